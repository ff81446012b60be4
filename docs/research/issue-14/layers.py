"""Float layer helpers (matrix-product order unless said otherwise).

A layer is a tuple (kind, shift, scale) with kind 'L' (lower: [[I,0],[A,diag(D)]])
or 'U' (upper: [[diag(E),B],[0,I]]); shift is d x d, scale a length-d vector.
Chains in this prototype are lists in MATRIX order (leftmost factor first); the
project's application order is the reverse.
"""
import numpy as np


def Lm(A, D=None):
    d = A.shape[0]
    M = np.eye(2 * d)
    M[d:, :d] = A
    M[d:, d:] = np.diag(np.ones(d) if D is None else D)
    return M


def Um(B, E=None):
    d = B.shape[0]
    M = np.eye(2 * d)
    M[:d, d:] = B
    M[:d, :d] = np.diag(np.ones(d) if E is None else E)
    return M


def mat(layer):
    k, s, c = layer
    return Lm(s, c) if k == 'L' else Um(s, c)


def product(chain, n=None):
    """Float64 product of a chain in matrix order."""
    if n is None:
        n = 2 * chain[0][1].shape[0]
    P = np.eye(n)
    for l in reversed(chain):
        P = apply(l, P)
    return P


def apply(layer, M):
    """layer @ M without forming the layer (M has 2d rows)."""
    k, s, c = layer
    d = s.shape[0]
    M = M.copy()
    if k == 'L':
        M[d:] = s @ M[:d] + c[:, None] * M[d:]
    else:
        M[:d] = c[:, None] * M[:d] + s @ M[d:]
    return M


def inv_apply(layer, M):
    """layer^-1 @ M."""
    k, s, c = layer
    d = s.shape[0]
    M = M.copy()
    if k == 'L':
        M[d:] = (M[d:] - s @ M[:d]) / c[:, None]
    else:
        M[:d] = (M[:d] - s @ M[d:]) / c[:, None]
    return M


def cond(layer):
    sv = np.linalg.svd(mat(layer), compute_uv=False)
    return sv[0] / sv[-1]


def merge(a, b):
    """a @ b for two layers of the same kind."""
    ka, sa, ca = a
    kb, sb, cb = b
    assert ka == kb
    if ka == 'L':
        # [[I,0],[A1,D1]] [[I,0],[A2,D2]] = [[I,0],[A1 + D1 A2, D1 D2]]
        return ('L', sa + ca[:, None] * sb, ca * cb)
    # [[E1,B1],[0,I]] [[E2,B2],[0,I]] = [[E1 E2, E1 B2 + B1],[0,I]]
    return ('U', ca[:, None] * sb + sa, ca * cb)


def merge_chain(chain):
    out = []
    for l in chain:
        if out and out[-1][0] == l[0]:
            out[-1] = merge(out[-1], l)
        else:
            out.append(l)
    return out


def to_f32(chain):
    return [(k, s.astype(np.float32).astype(np.float64), c.astype(np.float32).astype(np.float64))
            for k, s, c in chain]
