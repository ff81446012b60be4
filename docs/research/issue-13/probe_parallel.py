"""Numeric probe (float LM): can K unit layers give diag(I + X, I + Y) with X a level op on x1
and Y a level op on x2 at the same time (d = 2 and d = 4)?  Used to decide whether the two
halves' square-zero levels can share gadgets (they cannot in 4 layers: rank argument)."""
import numpy as np, sys
rng = np.random.default_rng(0)

def prod(params, d, K, first):
    n = 2 * d
    M = np.eye(n)
    kind = first
    for t in range(K):
        S = params[t * d * d:(t + 1) * d * d].reshape(d, d)
        Lyr = np.eye(n)
        if kind == 'L':
            Lyr[d:, :d] = S
        else:
            Lyr[:d, d:] = S
        M = Lyr @ M
        kind = 'U' if kind == 'L' else 'L'
    return M

def solve(target, d, K, first, tries=40):
    best = 1e9
    for _ in range(tries):
        p = rng.normal(size=K * d * d)
        lam = 1e-2
        for it in range(400):
            r = (prod(p, d, K, first) - target).ravel()
            f = r @ r
            if f < 1e-24:
                return 0.0
            J = np.zeros((r.size, p.size))
            h = 1e-7
            for k in range(p.size):
                q = p.copy(); q[k] += h
                J[:, k] = ((prod(q, d, K, first) - target).ravel() - r) / h
            A = J.T @ J
            g = J.T @ r
            step = np.linalg.solve(A + lam * np.diag(np.diag(A) + 1e-9), -g)
            pn = p + step
            rn = (prod(pn, d, K, first) - target).ravel()
            if rn @ rn < f:
                p = pn; lam = max(lam / 3, 1e-12)
            else:
                lam *= 5
        best = min(best, f)
    return best

for d in (2,):
    h = d // 2
    for kindY in ('upper', 'lower'):
        X = np.zeros((d, d)); X[h:, :h] = rng.integers(1, 5, size=(h, h))   # x1 lower level op
        Y = np.zeros((d, d))
        if kindY == 'lower':
            Y[h:, :h] = rng.integers(1, 5, size=(h, h))
        else:
            Y[:h, h:] = rng.integers(1, 5, size=(h, h))
        T = np.eye(2 * d); T[:d, :d] += X; T[d:, d:] += Y
        for K in (4, 5, 6):
            for first in ('L', 'U'):
                r = solve(T, d, K, first)
                print(f"d={d} x1 lower, x2 {kindY}, K={K} first={first}: residual {r:.2e}")
