"""G-route (log depth, one crux):  T = U(X) L(A) U(Y) diag(G, I)   [matrix order]
  R = T11 T21^-1 T22 - T12,  G = R T21,  X = T11 T21^-1 - R,  A = R^-1,  Y = R (T22 - I),
  diag(G, I) = diag(L_G, U_G) . diag(D_G, I) . Wh(U_G^-1)       (G = L_G D_G U_G),
and diag(L_G, U_G) is the parallel level crux: one conjugated Whitehead (CW) per tree depth.
Layers: 3 + 4h + 4 + 1 before merging; 'merged' alternates CW orientations (3h + 1 for the crux)."""
import sys, time, random
from lib import *
from parallel2 import crux_gadgets, crux_chain


def tri_inv_upper(U):
    """Inverse of a unit upper triangular matrix by back substitution (entrywise)."""
    d = U.nrows()
    V = ident(d)
    for j in range(d):
        for i in range(j - 1, -1, -1):
            s = fmpq(0)
            for k in range(i + 1, j + 1):
                if U[i, k] != 0 and V[k, j] != 0:
                    s += U[i, k] * V[k, j]
            V[i, j] = -s
    return V


def wh_chain(Q, orient, Qi=None):
    """diag(Q^-1, Q), application order. orient 0: matrix L(Q-I) U(I) L(Q^-1-I) U(-Q);
    orient 1: matrix U(Q^-1-I) L(I) U(Q-I) L(-Q^-1)."""
    d = Q.nrows(); I = ident(d)
    if Qi is None:
        Qi = Q.inv()
    if orient == 0:
        return [('U', -Q, None), ('L', Qi - I, None), ('U', I, None), ('L', Q - I, None)]
    return [('L', -Qi, None), ('U', Q - I, None), ('L', I, None), ('U', Qi - I, None)]


def g_parts(T):
    n = T.nrows(); d = n // 2
    T11, T12, T21, T22 = blocks(T)
    I = ident(d)
    N = T21.inv()
    R = T11 * N * T22 - T12
    G = R * T21
    X = T11 * N - R
    A = R.inv()
    Y = R * (T22 - I)
    f = ldu_fast(G)
    return (X, A, Y, G, f)


def g_route(T, choice='xy', merged=True, parts=None):
    n = T.nrows(); d = n // 2
    X, A, Y, G, f = parts if parts is not None else g_parts(T)
    if f is None:
        return None
    LG, DG, UG = f
    gs = crux_gadgets(LG, True, UG, False, choice)
    UGi = tri_inv_upper(UG)
    best = None
    for wo in (0, 1):
        for co in (0, 1):
            ch = wh_chain(UGi, wo, UG) + [('U', zeros(d, d), DG)]
            ch += crux_chain(gs, d, co, alternate=merged)
            ch += [('U', Y, None), ('L', A, None), ('U', X, None)]
            m = merge(ch)
            if best is None or len(m) < len(best) or (len(m) == len(best) and chain_bits(m) < chain_bits(best)):
                best = m
    return best


if __name__ == '__main__':
    random.seed(2026)
    for n in [int(a) for a in sys.argv[1:]] or [8, 16, 32]:
        T = rand_int_mat(n, n)
        t0 = time.time(); Ti = T.inv(); tinv = time.time() - t0
        ib = mat_bits(Ti)
        t0 = time.time(); parts = g_parts(T); tp = time.time() - t0
        for choice in ('xy', 'id'):
            for merged in (True, False):
                t0 = time.time()
                ch = g_route(T, choice, merged, parts)
                t1 = time.time()
                ok = chain_apply(ch, ident(n)) == T
                b = chain_bits(ch)
                print(n, choice, 'merged' if merged else 'unmerged', len(ch), b, ib, round(b / ib, 2), ok,
                      "parts %.1fs crux %.1fs flint-inv %.2fs" % (tp, t1 - t0, tinv), flush=True)
