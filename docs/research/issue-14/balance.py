"""Diagonal balancing of a chain: M_k -> D_k M_k D_{k+1}^-1 with D_k = diag(a_k I, b_k I),
D_0 = D_K = I; an L layer keeps a, a U layer keeps b (so every factor stays a coupling
layer and the product is unchanged). Coordinate search on log a, log b."""
import numpy as np
from layers import cond

def apply_balance(ch, la, lb):
    """la[k], lb[k]: log a_k, log b_k for k = 0..K (junction before layer k)."""
    out = []
    for k, (kind, sh, sc) in enumerate(ch):
        a0, b0, a1, b1 = np.exp(la[k]), np.exp(lb[k]), np.exp(la[k + 1]), np.exp(lb[k + 1])
        if kind == 'L':
            assert abs(la[k] - la[k + 1]) < 1e-12
            out.append(('L', sh * (b0 / a0), sc * (b0 / b1)))
        else:
            assert abs(lb[k] - lb[k + 1]) < 1e-12
            out.append(('U', sh * (a0 / b0), sc * (a0 / a1)))
    return out

def free_params(ch):
    """Indices: after each U layer (except the last U) a new log a; after each L
    layer (except the last L) a new log b."""
    K = len(ch)
    lastU = max(i for i, l in enumerate(ch) if l[0] == 'U')
    lastL = max(i for i, l in enumerate(ch) if l[0] == 'L')
    return [(i, 'a') for i, l in enumerate(ch) if l[0] == 'U' and i != lastU] + \
           [(i, 'b') for i, l in enumerate(ch) if l[0] == 'L' and i != lastL]

def expand(ch, x, fp):
    K = len(ch)
    la, lb = np.zeros(K + 1), np.zeros(K + 1)
    val = dict(zip(fp, x))
    for k, (kind, _, _) in enumerate(ch):
        la[k + 1], lb[k + 1] = la[k], lb[k]
        if kind == 'U':
            la[k + 1] = val.get((k, 'a'), 0.0)
        else:
            lb[k + 1] = val.get((k, 'b'), 0.0)
    return la, lb

def balance(ch, rounds=6, steps=(1.0, 0.5, 0.25, 0.1, 0.05)):
    fp = free_params(ch)
    x = np.zeros(len(fp))
    def f(x):
        la, lb = expand(ch, x, fp)
        return max(cond(l) for l in apply_balance(ch, la, lb))
    best = f(x)
    for h in steps:
        for _ in range(rounds):
            improved = False
            for i in range(len(x)):
                for s in (h, -h):
                    y = x.copy(); y[i] += s
                    v = f(y)
                    if v < best:
                        best, x, improved = v, y, True
            if not improved:
                break
    la, lb = expand(ch, x, fp)
    return apply_balance(ch, la, lb), best
