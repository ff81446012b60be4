"""Reference loader for `couplings export` files (numpy only).

Owns: parsing the safetensors export (format `couplings-layers`, versions 1
and 2, documented in docs/export.md) by hand with numpy, and applying the
layers forward and inverse with their log-determinant.

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
  * Padded chains (version 2, metadata `pad` = K, docs/padding.md): the layers
    act on n = n_in + K coordinates. forward(x) takes x of shape (batch, n_in),
    appends K zeros (after reordering by `mask`, when present), applies the
    layers and returns the first n_in coordinates (in the original order): W x.
    The last K outputs are 0 for such inputs (forward_full returns them).
    inverse(y) does the same with the inverse layers: [y; 0] -> [W^-1 y; 0]
    (the chain maps [x; 0] to [W x; 0], so its inverse maps [W x; 0] back).
    logdet is log|det M| of the whole padded map M on n coordinates (for the
    three unit layers of pad >= n it is 0), not log|det W|: a padded chain is
    a bijection of the padded space, not of the input space.

`couplings convert` files (format `couplings-checkpoint`, version 1: every
chain of a checkpoint in one file, listed in a manifest): load_converted(path)
returns a dict key -> CouplingChain, with `.failed` listing what the converter
could not convert.

Usage:
    from couplings_flow import CouplingChain, load_converted
    chain = CouplingChain.load("layers.safetensors")          # float64 tensors
    y, logdet = chain.forward(x)                              # x: (batch, n)
    x2, logdet_inv = chain.inverse(y)
    chain.matrix()                                            # the n x n product

    chains = load_converted("glow.couplings.safetensors")     # key -> CouplingChain
    chains.failed                                             # key -> reason

    python3 python/couplings_flow.py layers.safetensors      # prints a summary
    python3 python/couplings_flow.py OUT.safetensors         # per-chain summary (convert)
"""

import json
import struct
import sys

import numpy as np

FORMAT_NAME = "couplings-layers"
FORMAT_VERSIONS = ("1", "2")
# `couplings convert` output (a whole checkpoint): docs/export.md.
CHECKPOINT_FORMAT = "couplings-checkpoint"
CHECKPOINT_VERSIONS = ("1",)

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

    def __init__(self, kind, shift, scale, log_scale=None, exact_scale=False):
        if kind not in ("lower", "upper"):
            raise ValueError(f"unknown layer kind {kind!r}")
        self.kind = kind
        self.shift = shift
        self.scale = scale
        self.log_scale = log_scale
        # True when `scale` is the stored certified scale (layer.i.exact_scale*),
        # not exp(log_scale).
        self.exact_scale = exact_scale

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

    def __init__(self, layers, split, mode, metadata=None, target=None, pad=0, mask=None):
        self.layers = layers
        self.split = split
        self.mode = mode
        self.metadata = metadata or {}
        self.target = target
        self.pad = pad
        n_in = self.n - pad
        first = list(mask) if mask else list(range(n_in))
        # order[i]: the input coordinate that layer coordinate i holds.
        self.order = first + [c for c in range(n_in) if c not in first]

    @property
    def n(self):
        """Number of coordinates the layers act on (n_in + pad)."""
        return self.split[0] + self.split[1]

    @property
    def n_in(self):
        """Dimension of the inputs of forward / inverse (n - pad)."""
        return self.n - self.pad

    @classmethod
    def load(cls, path, dtype="float64"):
        """Loads an export; dtype 'float64' uses the `layer.i.*` tensors,
        'float32' the `layer.i.*_f32` ones."""
        tensors, meta = read_safetensors(path)
        return cls.from_tensors(tensors, meta, dtype=dtype, where=str(path))

    @classmethod
    def from_tensors(cls, tensors, meta, dtype="float64", where="chain"):
        """Builds a chain from the tensors and the metadata of one export
        (`tensors`: a mapping name -> np.ndarray holding at least the
        `layer.{i}.*` tensors and `target`; `meta`: the export's string
        metadata). `where` names the chain in error messages. A chain of a
        `couplings convert` file is built from its tensors with the entry's
        `prefix` removed and the entry's `metadata` (see load_converted)."""
        if dtype not in ("float64", "float32"):
            raise ValueError(f"dtype must be 'float64' or 'float32', not {dtype!r}")
        if meta.get("format") != FORMAT_NAME:
            raise ValueError(f"{where}: not a couplings export (format {meta.get('format')!r})")
        if meta.get("format_version") not in FORMAT_VERSIONS:
            raise ValueError(
                f"{where}: unsupported format_version {meta.get('format_version')!r} "
                f"(this loader reads {', '.join(FORMAT_VERSIONS)})"
            )
        path = where
        split = tuple(int(v) for v in meta["split"].split(","))
        pad = int(meta.get("pad", "0"))
        if not 0 <= pad < sum(split):
            raise ValueError(f"{path}: pad {pad} does not fit the split {split}")
        mask = [int(v) for v in meta["mask"].split(",")] if meta.get("mask") else None
        mode = meta["mode"]
        kinds = meta["kinds"].split(",") if meta["kinds"] else []
        if len(kinds) != int(meta["num_layers"]):
            raise ValueError(f"{path}: kinds and num_layers disagree")
        param = meta["scale_param"]
        suffix = {"float64": "", "float32": "_f32"}[dtype]
        layers = []
        missing = [name for i in range(len(kinds))
                   for name in (f"layer.{i}.shift{suffix}", f"layer.{i}.{param}{suffix}")
                   if name not in tensors]
        if missing:
            raise ValueError(f"{path}: missing tensors {', '.join(missing[:4])}"
                             + (" ..." if len(missing) > 4 else ""))
        for i, kind in enumerate(kinds):
            shift = tensors[f"layer.{i}.shift{suffix}"]
            values = tensors[f"layer.{i}.{param}{suffix}"]
            exact = tensors.get(f"layer.{i}.exact_scale{suffix}")
            if param == "log_scale" and exact is not None:
                # Tolerance exports: the certified scales themselves (exp of a
                # stored log-scale is not exactly the certified scale).
                layers.append(Layer(kind, shift, exact, log_scale=values, exact_scale=True))
            elif param == "log_scale":
                layers.append(Layer(kind, shift, np.exp(values), log_scale=values))
            else:
                layers.append(Layer(kind, shift, values))
        return cls(layers, split, mode, meta, tensors.get("target"), pad, mask)

    def logdet(self):
        """log|det W| as the sum of the layers' log|scale|."""
        return sum(layer.logdet() for layer in self.layers)

    def _dtype(self):
        return self.layers[0].shift.dtype if self.layers else float

    def _embed(self, x):
        """(batch, n_in) inputs -> (batch, n) layer coordinates: reordered, zeros appended."""
        x = np.atleast_2d(np.asarray(x, dtype=self._dtype()))
        if self.pad == 0 and self.order == list(range(self.n)):
            return x
        full = np.zeros((x.shape[0], self.n), dtype=x.dtype)
        full[:, : self.n_in] = x[:, self.order]
        return full

    def _project(self, full):
        """(batch, n) layer coordinates -> the first n_in, in the input order."""
        if self.pad == 0 and self.order == list(range(self.n)):
            return full
        out = np.empty((full.shape[0], self.n_in), dtype=full.dtype)
        out[:, self.order] = full[:, : self.n_in]
        return out

    def forward_full(self, x):
        """The layers applied to [x; 0] (padded chains): all n coordinates, in
        the layers' order; the last pad ones are 0 up to rounding."""
        x = self._embed(x)
        p = self.split[0]
        for layer in self.layers:
            x = layer.forward(x, p)
        return x

    def forward(self, x):
        """x: (batch, n_in). Returns (x @ W.T, logdet of shape (batch,))."""
        y = self._project(self.forward_full(x))
        return y, np.full(y.shape[0], self.logdet())

    def inverse(self, y):
        """y: (batch, n_in). Returns (y @ inv(W).T, -logdet of shape (batch,))."""
        y = self._embed(y)
        p = self.split[0]
        for layer in reversed(self.layers):
            y = layer.inverse(y, p)
        y = self._project(y)
        return y, np.full(y.shape[0], -self.logdet())

    def matrix(self):
        """The n x n product M_{K-1} ... M_0 (in the tensors' float type); for a
        padded chain the whole padded map (layer coordinates), whose first n_in
        columns are [[W'], [0]] with W' = W reordered by the mask."""
        p, q = self.split
        m = np.eye(self.n)
        for layer in self.layers:
            m = layer.matrix(p, q) @ m
        return m


class ConvertedChains(dict):
    """What load_converted returns: a dict key -> CouplingChain (in the
    manifest's order) with

      failed    dict key -> error message of every candidate `couplings
                convert` could not convert (never silently dropped: a
                warning names them too);
      metadata  the file's metadata (format, generator, source, ...);
      entries   dict key -> the manifest entry (source, c, seconds, ...).

    Each chain also carries `chain.key` and `chain.source` (the manifest
    entry's "source": kind "weight" or "normflows-lu", tensors, shape, dtype)."""

    def __init__(self):
        super().__init__()
        self.failed = {}
        self.metadata = {}
        self.entries = {}


def read_manifest(meta, where):
    """Validates a `couplings convert` file's metadata (format
    `couplings-checkpoint`, format_version 1; docs/export.md, "Converting a
    checkpoint") and returns the manifest's list of entries."""
    if meta.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{where}: not a `couplings convert` file (format {meta.get('format')!r}, "
                         f"expected {CHECKPOINT_FORMAT!r})")
    if meta.get("format_version") not in CHECKPOINT_VERSIONS:
        raise ValueError(
            f"{where}: unsupported {CHECKPOINT_FORMAT} format_version "
            f"{meta.get('format_version')!r} (this loader reads {', '.join(CHECKPOINT_VERSIONS)})"
        )
    try:
        manifest = json.loads(meta["manifest"])
        entries = manifest["chains"]
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"{where}: missing or malformed manifest ({e!r})") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError(f"{where}: manifest 'chains' is not a list of objects")
    ok = [e for e in entries if e.get("status") == "ok"]
    bad = [e for e in entries if e.get("status") == "failed"]
    if len(ok) + len(bad) != len(entries):
        raise ValueError(f"{where}: manifest entry with an unknown status")
    for name, count in (("num_chains", len(ok)), ("num_failed", len(bad))):
        if name in meta and meta[name] != str(count):
            raise ValueError(f"{where}: {name} = {meta[name]!r} but the manifest lists {count}")
    return entries


def load_converted(path, dtype="float64"):
    """Loads every chain of a `couplings convert` output file.

    Returns a ConvertedChains: a dict key -> CouplingChain (key = the source
    tensor name, or the normflows LU group's prefix), plus `.failed` (key ->
    error) for the candidates the converter reported as failed (also announced
    with a warning). Each chain is built from the tensors named with the
    entry's `prefix` (never by splitting names: keys may contain '/') and the
    entry's `metadata` (the metadata a single `couplings export` of that weight
    writes). dtype as for CouplingChain.load."""
    import warnings

    tensors, meta = read_safetensors(path)
    result = ConvertedChains()
    result.metadata = meta
    for entry in read_manifest(meta, path):
        key = entry.get("key")
        if not isinstance(key, str):
            raise ValueError(f"{path}: manifest entry with a missing key")
        if entry["status"] == "failed":
            # A key may repeat (a tensor named like an LU group's key): the
            # later candidate is then a failed entry; keep every reason.
            why = str(entry.get("error", "(no reason given)"))
            result.failed[key] = f"{result.failed[key]}; {why}" if key in result.failed else why
            result.entries.setdefault(key, entry)
            continue
        if key in result:
            raise ValueError(f"{path}: two converted chains share the key {key!r}")
        result.entries[key] = entry
        prefix, chain_meta = entry.get("prefix"), entry.get("metadata")
        if not isinstance(prefix, str) or not isinstance(chain_meta, dict):
            raise ValueError(f"{path}: entry {key!r} has no prefix or metadata")
        own = {name[len(prefix):]: t for name, t in tensors.items() if name.startswith(prefix)}
        chain = CouplingChain.from_tensors(own, chain_meta, dtype=dtype,
                                           where=f"{path}, chain {key!r}")
        chain.key = key
        chain.source = entry.get("source", {})
        result[key] = chain
    if result.failed:
        warnings.warn(
            f"{path}: {len(result.failed)} weight(s) were not converted and are not loaded: "
            + "; ".join(f"{k}: {v}" for k, v in result.failed.items()),
            stacklevel=2,
        )
    return result


def _chain_target_error(chain):
    """max |product of the float64 chain - target| (nan without a target)."""
    if chain.target is None:
        return float("nan")
    with np.errstate(all="ignore"):
        eye = np.eye(chain.n_in)
        return float(np.max(np.abs(chain.forward(eye)[0].T - chain.target)))


def main(argv):
    if len(argv) != 2:
        print("usage: python3 couplings_flow.py FILE.safetensors   "
              "(a `couplings export` or a `couplings convert` file)", file=sys.stderr)
        return 2
    _, meta = read_safetensors(argv[1])
    if meta.get("format") == CHECKPOINT_FORMAT:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # failed chains are listed below
            chains = load_converted(argv[1])
        print(f"{meta.get('generator', '?')} converted {meta.get('source', '?')}: "
              f"{len(chains)} chains, {len(chains.failed)} failed")
        print(f"{'key':44} {'source':12} {'c':>4} {'K':>3} {'mode':8} {'certified':>10} "
              f"{'worst cond':>10} {'f64 vs target':>13} {'log|det|':>12}")
        for key, chain in chains.items():
            m = chain.metadata
            conds = [float(v) for v in m.get("layer_condition_numbers", "").split(",") if v]
            print(f"{key:44} {chain.source.get('kind', '?'):12} {chain.n_in:>4} "
                  f"{len(chain.layers):>3} {chain.mode:8} "
                  f"{m.get('certified_rel_error', 'exact'):>10} {max(conds + [1.0]):10.3g} "
                  f"{_chain_target_error(chain):13.3e} {chain.logdet():12.6g}")
        for key, why in chains.failed.items():
            print(f"{key:44} FAILED: {why}")
        return 0
    chain = CouplingChain.load(argv[1])
    print(
        f"{len(chain.layers)} layers ({chain.mode} mode, split {chain.split}"
        + (f", pad {chain.pad}" if chain.pad else "")
        + f"), kinds {chain.metadata['kinds']}, log|det| = {chain.logdet():.12g}"
    )
    if chain.target is not None:
        print(f"float64 chain vs target: max abs error {_chain_target_error(chain):.3e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
