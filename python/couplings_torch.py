"""PyTorch version of the reference loader (python/couplings_flow.py).

Owns: `CouplingFlow`, an `nn.Module` holding an exported chain of linear
coupling layers (format `couplings-layers`, docs/export.md) as buffers
(default) or trainable parameters, with forward / inverse and
log-determinant; `Conv1x1Couplings`, a drop-in replacement for a Glow
invertible 1x1 convolution built from one chain; and `load_converted`, which
builds one such module per chain of a `couplings convert` file. Files are
parsed by couplings_flow (numpy), so the `safetensors` package is not needed.

Conventions are those of couplings_flow: the layers act on dimension 1 of the
input (the coordinates of a (batch, n) batch of rows, or the channels of an
NCHW tensor), x1 is the first split[0] of them; lower layers update x2, upper
layers update x1; forward(x) of a CouplingFlow returns (x @ W.T, logdet) with
logdet of shape (batch,). In positive mode the scales are stored as log-scales
and applied as exp(log_scale), exactly as an exp-parametrised coupling layer
does, except that a frozen module uses the certified scales
(layer.i.exact_scale*) when the file has them. Padded chains (format version
2, docs/padding.md): forward(x) appends `pad` zeros to x (after the mask's
reordering), applies the layers and returns the first n_in coordinates in the
input order; inverse likewise; logdet is that of the whole padded map.

    from couplings_torch import load_converted
    convs = load_converted("glow.couplings.safetensors")   # key -> Conv1x1Couplings
    y, logdet = convs["flow.0.invconv.weight"](x)          # x: (N, C, H, W)
"""

import os
import sys
import warnings

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import couplings_flow  # noqa: E402
from couplings_flow import CouplingChain  # noqa: E402

_NUMPY_DTYPE = {torch.float32: "float32", torch.float64: "float64"}


def _numpy_dtype(dtype):
    if dtype not in _NUMPY_DTYPE:
        raise ValueError(f"dtype must be torch.float32 or torch.float64, not {dtype}")
    return _NUMPY_DTYPE[dtype]


class CouplingFlow(nn.Module):
    """An exported coupling chain as a torch module (application order).

    `source`: a `couplings export` path, or a couplings_flow.CouplingChain
    (already loaded with the tensors of the matching width: float32 chains
    for dtype=torch.float32)."""

    def __init__(self, source, dtype=torch.float64, trainable=False):
        super().__init__()
        chain = source if isinstance(source, CouplingChain) else \
            CouplingChain.load(source, dtype=_numpy_dtype(dtype))
        self.p, self.q = chain.split
        self.pad = chain.pad
        self.order = list(chain.order)
        self.mode = chain.mode
        self.kinds = [layer.kind for layer in chain.layers]
        self.dtype = dtype
        # Tolerance exports in positive mode also store the certified scales
        # (layer.i.exact_scale*); a frozen module uses them, so it computes the
        # certified chain. A trainable one keeps the log-parametrisation (then
        # the metadata's log_scale_chain_rel_error applies).
        has_log = bool(chain.layers) and chain.layers[0].log_scale is not None
        exact = bool(chain.layers) and chain.layers[0].exact_scale
        self.log_param = has_log and (trainable or not exact)
        for i, layer in enumerate(chain.layers):
            shift = torch.as_tensor(layer.shift, dtype=dtype)
            scale = torch.as_tensor(layer.log_scale if self.log_param else layer.scale, dtype=dtype)
            if trainable:
                self.register_parameter(f"shift_{i}", nn.Parameter(shift))
                self.register_parameter(f"scale_{i}", nn.Parameter(scale))
            else:
                self.register_buffer(f"shift_{i}", shift)
                self.register_buffer(f"scale_{i}", scale)

    @property
    def n_in(self):
        """Dimension the module acts on (coordinates, or channels)."""
        return len(self.order)

    def _layer(self, i):
        """(shift, scale) of layer i (scale = exp(log-scale) when log-parametrised)."""
        shift = getattr(self, f"shift_{i}")
        param = getattr(self, f"scale_{i}")
        return shift, torch.exp(param) if self.log_param else param

    def logdet(self):
        """log|det| of the chain (a 0-dim tensor)."""
        total = torch.zeros((), dtype=self.dtype, device=self.shift_0.device if self.kinds else None)
        for i in range(len(self.kinds)):
            param = getattr(self, f"scale_{i}")
            total = total + (param if self.log_param else torch.log(torch.abs(param))).sum()
        return total

    def _identity_order(self):
        return self.pad == 0 and self.order == list(range(self.p + self.q))

    def _embed(self, x):
        if self._identity_order():
            return x
        zeros = x.new_zeros((x.shape[0], self.pad) + tuple(x.shape[2:]))
        return torch.cat([x[:, self.order], zeros], dim=1)

    def _project(self, full):
        if self._identity_order():
            return full
        n_in = len(self.order)
        out = full.new_empty((full.shape[0], n_in) + tuple(full.shape[2:]))
        out[:, self.order] = full[:, :n_in]
        return out

    def _halves(self, x):
        """x -> (x1, x2, restore): the coordinates (dimension 1) moved first and
        the rest flattened once, so that the halves are (p, M) and (q, M)
        blocks of column vectors (the wide orientation is much faster than
        (M, p) rows for the small p of 1x1 convolutions); restore(x1, x2)
        puts them back in x's layout (contiguous, like conv2d's output)."""
        x = self._embed(x)
        n, lead, rest = x.shape[1], x.shape[0], tuple(x.shape[2:])
        cols = x.movedim(1, 0).reshape(n, -1)

        def restore(x1, x2):
            out = torch.cat([x1, x2], dim=0).reshape(n, lead, *rest).movedim(0, 1)
            return self._project(out.contiguous())

        return cols[: self.p], cols[self.p :], restore

    def apply(self, x):
        """The chain's map W along dimension 1 of x (rows or NCHW channels):
        per layer one fused matmul-add (torch.addmm) on the updated half and
        one scale product; the halves are kept apart between layers."""
        x1, x2, restore = self._halves(x)
        for i, kind in enumerate(self.kinds):
            shift, scale = self._layer(i)
            if kind == "lower":
                x2 = torch.addmm(x2 * scale[:, None], shift, x1)
            else:
                x1 = torch.addmm(x1 * scale[:, None], shift, x2)
        return restore(x1, x2)

    def apply_inverse(self, y):
        """W^-1 along dimension 1 of y, layer by layer (no matrix inverse)."""
        y1, y2, restore = self._halves(y)
        for i in reversed(range(len(self.kinds))):
            shift, scale = self._layer(i)
            if self.kinds[i] == "lower":
                y2 = torch.addmm(y2, shift, y1, alpha=-1) / scale[:, None]
            else:
                y1 = torch.addmm(y1, shift, y2, alpha=-1) / scale[:, None]
        return restore(y1, y2)

    def forward(self, x):
        """x: (batch, n_in). Returns (x @ W.T, logdet of shape (batch,))."""
        y = self.apply(x)
        return y, self.logdet().expand(y.shape[0])

    def inverse(self, y):
        """y: (batch, n_in). Returns (y @ inv(W).T, -logdet of shape (batch,))."""
        x = self.apply_inverse(y)
        return x, (-self.logdet()).expand(x.shape[0])


class Conv1x1Couplings(nn.Module):
    """A Glow invertible 1x1 convolution replaced by coupling layers.

    Takes NCHW input. With invert=False (Glow / rosinality convention),
    forward(x) -> (y, logdet) with y[:, :, h, w] = W x[:, :, h, w] and
    logdet = H * W_width * log|det W| (a 0-dim tensor, which broadcasts
    against per-sample log-densities), and inverse(y) -> (W^-1 y, -logdet).
    With invert=True the two are swapped: forward applies W^-1 with
    -H * W_width * log|det W|, as normflows' Invertible1x1Conv does (its
    forward is the inverse of conv2d with W). The layers are applied as
    channel-wise coupling updates (one fused matmul-add over the channels per
    layer, channels moved last once), never as a dense matrix or its inverse.

    `source`: a `couplings export` path or a couplings_flow.CouplingChain
    (of the width matching dtype). dtype torch.float32 (default) uses the
    file's `_f32` tensors, torch.float64 the F64 ones; positive-mode
    tolerance exports use the certified scales, as CouplingFlow does."""

    def __init__(self, source, dtype=torch.float32, invert=False, trainable=False):
        super().__init__()
        self.flow = CouplingFlow(source, dtype=dtype, trainable=trainable)
        self.invert = bool(invert)
        self.num_channels = self.flow.n_in

    def _check(self, x):
        if x.dim() != 4 or x.shape[1] != self.num_channels:
            raise ValueError(f"expected NCHW input with C = {self.num_channels}, "
                             f"got shape {tuple(x.shape)}")

    def _direct(self, x):
        self._check(x)
        return self.flow.apply(x), self.flow.logdet() * (x.shape[2] * x.shape[3])

    def _reverse(self, y):
        self._check(y)
        return self.flow.apply_inverse(y), -self.flow.logdet() * (y.shape[2] * y.shape[3])

    def forward(self, x):
        return self._reverse(x) if self.invert else self._direct(x)

    def inverse(self, y):
        return self._direct(y) if self.invert else self._reverse(y)


def load_converted(path, dtype=torch.float32, invert=None, trainable=False):
    """One Conv1x1Couplings per chain of a `couplings convert` file.

    Returns a dict key -> module (in the manifest's order) with `.failed`
    (key -> reason) and `.metadata`, as couplings_flow.load_converted (which
    also warns about failed weights). invert=None picks the direction per
    source: True for normflows LU groups ("normflows-lu": normflows'
    Invertible1x1Conv applies W^-1 in its forward), False for plain weights
    ("weight": y = conv2d(x, W)); True or False forces it for every chain
    (a plain `W` tensor saved from normflows' Invertible1x1Conv(use_lu=False)
    needs invert=True)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chains = couplings_flow.load_converted(path, dtype=_numpy_dtype(dtype))
    for w in caught:
        warnings.warn(w.message, stacklevel=2)
    modules = couplings_flow.ConvertedChains()
    modules.failed, modules.metadata, modules.entries = chains.failed, chains.metadata, chains.entries
    for key, chain in chains.items():
        inv = invert if invert is not None else chain.source.get("kind") == "normflows-lu"
        modules[key] = Conv1x1Couplings(chain, dtype=dtype, invert=inv, trainable=trainable)
    return modules
