"""PyTorch version of the reference loader (python/couplings_flow.py).

Owns: `CouplingFlow`, an `nn.Module` holding an exported chain of linear
coupling layers (format `couplings-layers` version 1, docs/export.md) as
buffers (default) or trainable parameters, with forward / inverse and
log-determinant. The file is parsed by couplings_flow.read_safetensors (numpy),
so the `safetensors` package is not needed.

Conventions are those of couplings_flow: batches are rows, forward(x) returns
(x @ W.T, logdet) with logdet of shape (batch,); x1 is the first split[0]
coordinates; lower layers update x2, upper layers update x1. In positive mode
the scales are stored as log-scales and applied as exp(log_scale), exactly as
an exp-parametrised coupling layer does. Padded chains (format version 2,
docs/padding.md): forward(x) appends `pad` zeros to x (after the mask's
reordering), applies the layers and returns the first n_in coordinates in the
input order; inverse likewise; logdet is that of the whole padded map.
"""

import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from couplings_flow import FORMAT_NAME, FORMAT_VERSIONS, read_safetensors  # noqa: E402


class CouplingFlow(nn.Module):
    """An exported coupling chain as a torch module (application order)."""

    def __init__(self, path, dtype=torch.float64, trainable=False):
        super().__init__()
        tensors, meta = read_safetensors(path)
        if meta.get("format") != FORMAT_NAME or meta.get("format_version") not in FORMAT_VERSIONS:
            raise ValueError(f"{path}: not a supported couplings export")
        self.p, self.q = (int(v) for v in meta["split"].split(","))
        self.pad = int(meta.get("pad", "0"))
        n_in = self.p + self.q - self.pad
        first = [int(v) for v in meta["mask"].split(",")] if meta.get("mask") else list(range(n_in))
        self.order = first + [c for c in range(n_in) if c not in first]
        self.mode = meta["mode"]
        self.kinds = meta["kinds"].split(",") if meta["kinds"] else []
        self.log_param = meta["scale_param"] == "log_scale"
        self.dtype = dtype
        suffix = "_f32" if dtype == torch.float32 else ""
        # Tolerance exports in positive mode also store the certified scales
        # (layer.i.exact_scale*); a frozen module uses them, so it computes the
        # certified chain. A trainable one keeps the log-parametrisation (then
        # the metadata's log_scale_chain_rel_error applies).
        exact = (self.log_param and not trainable
                 and f"layer.0.exact_scale{suffix}" in tensors)
        if exact:
            self.log_param = False
        for i, _ in enumerate(self.kinds):
            shift = torch.as_tensor(tensors[f"layer.{i}.shift{suffix}"], dtype=dtype)
            name = f"layer.{i}.exact_scale{suffix}" if exact else f"layer.{i}.{meta['scale_param']}{suffix}"
            scale = torch.as_tensor(tensors[name], dtype=dtype)
            if trainable:
                self.register_parameter(f"shift_{i}", nn.Parameter(shift))
                self.register_parameter(f"scale_{i}", nn.Parameter(scale))
            else:
                self.register_buffer(f"shift_{i}", shift)
                self.register_buffer(f"scale_{i}", scale)

    def _layer(self, i):
        shift = getattr(self, f"shift_{i}")
        param = getattr(self, f"scale_{i}")
        if self.log_param:
            return shift, torch.exp(param), param
        return shift, param, torch.log(torch.abs(param))

    def logdet(self):
        total = torch.zeros((), dtype=self.dtype)
        for i in range(len(self.kinds)):
            total = total + self._layer(i)[2].sum()
        return total

    def _embed(self, x):
        if self.pad == 0 and self.order == list(range(self.p + self.q)):
            return x
        zeros = torch.zeros((x.shape[0], self.pad), dtype=x.dtype)
        return torch.cat([x[:, self.order], zeros], dim=1)

    def _project(self, full):
        if self.pad == 0 and self.order == list(range(self.p + self.q)):
            return full
        n_in = len(self.order)
        out = torch.empty((full.shape[0], n_in), dtype=full.dtype)
        out[:, self.order] = full[:, :n_in]
        return out

    def forward(self, x):
        """x: (batch, n_in). Returns (x @ W.T, logdet of shape (batch,))."""
        x = self._embed(x)
        p = self.p
        for i, kind in enumerate(self.kinds):
            shift, scale, _ = self._layer(i)
            x1, x2 = x[:, :p], x[:, p:]
            if kind == "lower":
                x = torch.cat([x1, x1 @ shift.T + x2 * scale], dim=1)
            else:
                x = torch.cat([x1 * scale + x2 @ shift.T, x2], dim=1)
        x = self._project(x)
        return x, self.logdet().expand(x.shape[0])

    def inverse(self, y):
        """y: (batch, n_in). Returns (y @ inv(W).T, -logdet of shape (batch,))."""
        y = self._embed(y)
        p = self.p
        for i in reversed(range(len(self.kinds))):
            shift, scale, _ = self._layer(i)
            y1, y2 = y[:, :p], y[:, p:]
            if self.kinds[i] == "lower":
                y = torch.cat([y1, (y2 - y1 @ shift.T) / scale], dim=1)
            else:
                y = torch.cat([(y1 - y2 @ shift.T) / scale, y2], dim=1)
        y = self._project(y)
        return y, (-self.logdet()).expand(y.shape[0])
