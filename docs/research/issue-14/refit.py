"""Rounding with compensation: round one layer, refit later layers' shifts by
least squares against the exact target (matrix order chain)."""
import numpy as np
from layers import mat, product

def rnd32(x):
    return x.astype(np.float32).astype(np.float64)

def _prods(ch, n):
    # prefix[j] = M0..M_{j-1}, suffix[j] = M_j..M_{K-1}
    K = len(ch)
    pre = [np.eye(n)]
    for l in ch:
        pre.append(pre[-1] @ mat(l))
    suf = [np.eye(n)] * (K + 1)
    for j in range(K - 1, -1, -1):
        suf[j] = mat(ch[j]) @ suf[j + 1]
    return pre, suf

def refit_one(ch, j, W, left, right):
    k, sh, sc = ch[j]
    d = sh.shape[0]
    base = mat((k, np.zeros_like(sh), sc))
    res = W - left @ base @ right
    if k == 'U':
        L1, R2 = left[:, :d], right[d:, :]
    else:
        L1, R2 = left[:, d:], right[:d, :]
    x = np.linalg.lstsq(L1, res, rcond=None)[0]
    b = np.linalg.lstsq(R2.T, x.T, rcond=None)[0].T
    ch[j] = (k, b, sc)

def round_chain(ch, W, mode='naive', rnd=rnd32, sweeps=1):
    ch = [(k, s.copy(), c.copy()) for k, s, c in ch]
    n = W.shape[0]
    K = len(ch)
    if mode == 'naive':
        return [(k, rnd(s), rnd(c)) for k, s, c in ch]
    for j in range(K):
        k, s, c = ch[j]
        ch[j] = (k, rnd(s), rnd(c))
        if j == K - 1:
            break
        if mode == 'next':
            targets = [j + 1]
        else:  # 'all'
            targets = list(range(j + 1, K))
        for _ in range(sweeps):
            for t in targets:
                left = product(ch[:t], n) if t > 0 else np.eye(n)
                right = product(ch[t + 1:], n) if t + 1 < K else np.eye(n)
                refit_one(ch, t, W, left, right)
    return ch
