"""Reference loader for `couplings export` files (numpy only).

Owns: parsing the safetensors export (format `couplings-layers`, version 1,
documented in docs/export.md) by hand with numpy, and applying the layers
forward and inverse with their log-determinant.

Conventions (the same as the Rust crate):
  * In the math, vectors are columns: the exported chain represents
    y = W x with W = M_{K-1} ... M_1 M_0, layer 0 acting first.
  * In code, a batch is a 2-D array of shape (batch, n) whose ROWS are the
    vectors, so forward(X) returns X @ W.T (row i is W x_i).
  * x = (x1, x2) with x1 the first `split[0]` coordinates. A lower layer sets
    x2 <- A x1 + D x2 (shift A has shape (q, p)); an upper layer sets
    x1 <- E x1 + B x2 (shift B has shape (p, q)). D, E are diagonal scales; in
    positive mode the file stores log-scales s with scale = exp(s).
  * log-det is log|det| of the linear map, the same for every row, returned as
    an array of shape (batch,) as flows usually do.

Usage:
    from couplings_flow import CouplingChain
    chain = CouplingChain.load("layers.safetensors")          # float64 tensors
    y, logdet = chain.forward(x)                              # x: (batch, n)
    x2, logdet_inv = chain.inverse(y)
    chain.matrix()                                            # the n x n product

    python3 python/couplings_flow.py layers.safetensors      # prints a summary
"""

import json
import struct
import sys

import numpy as np

FORMAT_NAME = "couplings-layers"
FORMAT_VERSIONS = ("1",)

_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2"}


def read_safetensors(path):
    """Returns (tensors: dict name -> np.ndarray, metadata: dict str -> str)."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: truncated safetensors file")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError(f"{path}: truncated safetensors header")
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor {name!r} has unsupported dtype {info['dtype']}")
        begin, end = info["data_offsets"]
        if not (0 <= begin <= end <= len(data)):
            raise ValueError(f"{path}: tensor {name!r} has bad data offsets")
        arr = np.frombuffer(data[begin:end], dtype=dtype).reshape(info["shape"])
        tensors[name] = arr.copy()
    return tensors, metadata


class Layer:
    """One coupling layer: kind ('lower'/'upper'), shift matrix, scale vector
    (always the scale itself; for positive mode also `log_scale`)."""

    def __init__(self, kind, shift, scale, log_scale=None):
        if kind not in ("lower", "upper"):
            raise ValueError(f"unknown layer kind {kind!r}")
        self.kind = kind
        self.shift = shift
        self.scale = scale
        self.log_scale = log_scale

    def logdet(self):
        if self.log_scale is not None:
            return float(np.sum(self.log_scale))
        return float(np.sum(np.log(np.abs(self.scale))))

    def forward(self, x, p):
        """x: (batch, n) rows; returns the rows of M x."""
        x1, x2 = x[:, :p], x[:, p:]
        if self.kind == "lower":
            return np.concatenate([x1, x1 @ self.shift.T + x2 * self.scale], axis=1)
        return np.concatenate([x1 * self.scale + x2 @ self.shift.T, x2], axis=1)

    def inverse(self, y, p):
        y1, y2 = y[:, :p], y[:, p:]
        if self.kind == "lower":
            return np.concatenate([y1, (y2 - y1 @ self.shift.T) / self.scale], axis=1)
        return np.concatenate([(y1 - y2 @ self.shift.T) / self.scale, y2], axis=1)

    def matrix(self, p, q):
        n = p + q
        m = np.eye(n, dtype=self.shift.dtype)
        if self.kind == "lower":
            m[p:, :p] = self.shift
            m[p:, p:] = np.diag(self.scale)
        else:
            m[:p, p:] = self.shift
            m[:p, :p] = np.diag(self.scale)
        return m


class CouplingChain:
    """The exported chain of coupling layers, in application order."""

    def __init__(self, layers, split, mode, metadata=None, target=None):
        self.layers = layers
        self.split = split
        self.mode = mode
        self.metadata = metadata or {}
        self.target = target

    @property
    def n(self):
        return self.split[0] + self.split[1]

    @classmethod
    def load(cls, path, dtype="float64"):
        """Loads an export; dtype 'float64' uses the `layer.i.*` tensors,
        'float32' the `layer.i.*_f32` ones."""
        tensors, meta = read_safetensors(path)
        if meta.get("format") != FORMAT_NAME:
            raise ValueError(f"{path}: not a couplings export (format {meta.get('format')!r})")
        if meta.get("format_version") not in FORMAT_VERSIONS:
            raise ValueError(
                f"{path}: unsupported format_version {meta.get('format_version')!r} "
                f"(this loader reads {', '.join(FORMAT_VERSIONS)})"
            )
        split = tuple(int(v) for v in meta["split"].split(","))
        mode = meta["mode"]
        kinds = meta["kinds"].split(",") if meta["kinds"] else []
        if len(kinds) != int(meta["num_layers"]):
            raise ValueError(f"{path}: kinds and num_layers disagree")
        param = meta["scale_param"]
        suffix = {"float64": "", "float32": "_f32"}[dtype]
        layers = []
        for i, kind in enumerate(kinds):
            shift = tensors[f"layer.{i}.shift{suffix}"]
            values = tensors[f"layer.{i}.{param}{suffix}"]
            exact = tensors.get(f"layer.{i}.exact_scale{suffix}")
            if param == "log_scale" and exact is not None:
                # Tolerance exports: the certified scales themselves (exp of a
                # stored log-scale is not exactly the certified scale).
                layers.append(Layer(kind, shift, exact, log_scale=values))
            elif param == "log_scale":
                layers.append(Layer(kind, shift, np.exp(values), log_scale=values))
            else:
                layers.append(Layer(kind, shift, values))
        return cls(layers, split, mode, meta, tensors.get("target"))

    def logdet(self):
        """log|det W| as the sum of the layers' log|scale|."""
        return sum(layer.logdet() for layer in self.layers)

    def forward(self, x):
        """x: (batch, n). Returns (x @ W.T, logdet of shape (batch,))."""
        x = np.atleast_2d(np.asarray(x, dtype=self.layers[0].shift.dtype if self.layers else float))
        p = self.split[0]
        for layer in self.layers:
            x = layer.forward(x, p)
        return x, np.full(x.shape[0], self.logdet())

    def inverse(self, y):
        """y: (batch, n). Returns (y @ inv(W).T, -logdet of shape (batch,))."""
        y = np.atleast_2d(np.asarray(y, dtype=self.layers[0].shift.dtype if self.layers else float))
        p = self.split[0]
        for layer in reversed(self.layers):
            y = layer.inverse(y, p)
        return y, np.full(y.shape[0], -self.logdet())

    def matrix(self):
        """The n x n product M_{K-1} ... M_0 (in the tensors' float type)."""
        p, q = self.split
        m = np.eye(self.n)
        for layer in self.layers:
            m = layer.matrix(p, q) @ m
        return m


def main(argv):
    if len(argv) != 2:
        print("usage: python3 couplings_flow.py LAYERS.safetensors", file=sys.stderr)
        return 2
    chain = CouplingChain.load(argv[1])
    print(
        f"{len(chain.layers)} layers ({chain.mode} mode, split {chain.split}), "
        f"kinds {chain.metadata['kinds']}, log|det| = {chain.logdet():.12g}"
    )
    if chain.target is not None:
        with np.errstate(all="ignore"):
            err = np.max(np.abs(chain.matrix() - chain.target))
        print(f"float64 product vs target: max abs error {err:.3e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
