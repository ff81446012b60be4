"""Iterative refinement with an accurately computed residual: E = W - P exact
(Rust: double-double), then one sweep of least-squares shift corrections over
all layers on the linearised problem, then re-round."""
import numpy as np
from layers import mat
from certify import round_layer, residual_f64, certify

def prefix_suffix(ch, n):
    K = len(ch)
    pre = [np.eye(n)]
    for l in ch:
        pre.append(pre[-1] @ mat(l))
    suf = [None] * (K + 1)
    suf[K] = np.eye(n)
    for j in range(K - 1, -1, -1):
        suf[j] = mat(ch[j]) @ suf[j + 1]
    return pre, suf

def correction_sweep(ch, E, sweeps=1):
    n = E.shape[0]; d = n // 2
    pre, suf = prefix_suffix(ch, n)
    deltas = [np.zeros_like(l[1]) for l in ch]
    E = E.copy()
    for _ in range(sweeps):
        for j, (k, sh, sc) in enumerate(ch):
            left, right = pre[j], suf[j + 1]
            if k == 'U':
                L1, R2 = left[:, :d], right[d:, :]
            else:
                L1, R2 = left[:, d:], right[:d, :]
            x = np.linalg.lstsq(L1, E, rcond=None)[0]
            b = np.linalg.lstsq(R2.T, x.T, rcond=None)[0].T
            deltas[j] += b
            E -= L1 @ b @ R2
    return [(k, sh + dl, sc) for (k, sh, sc), dl in zip(ch, deltas)]

def refine(ch, W, bits, iters=2, sweeps=1):
    hist = []
    for it in range(iters + 1):
        rounded = [round_layer(l, bits) for l in ch]
        ints = [r[1] for r in rounded]
        ch = [r[0] for r in rounded]
        if it == iters:
            break
        E = residual_f64(ints, W)
        hist.append(np.linalg.norm(E) / np.linalg.norm(W))
        ch = correction_sweep(ch, E, sweeps)
    return ch, ints, hist
