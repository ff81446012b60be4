"""LDU route (log depth, two parallel cruxes, all level blocks are ratios of minors of T):
  T = L(X0) . diag(La, Lb) . D . diag(Ua, Ub) . U(Y0)      [matrix order]
with T = L D U, X0 = L21 La^-1, Y0 = Ua^-1 U12; diag(La, Lb) and diag(Ua, Ub) are parallel
level cruxes (lower/lower and upper/upper: the same depth on both halves in one CW gadget)."""
import sys, time, random
from lib import *
from parallel2 import crux_gadgets, crux_chain


def ldu_route(T, choice='xy', merged=True):
    n = T.nrows(); d = n // 2
    T, suffix = precondition(T, leading_minors_nonzero)
    L, D, U = ldu_fast(T)
    La, Lb = block(L, 0, d, 0, d), block(L, d, n, d, n)
    Ua, Ub = block(U, 0, d, 0, d), block(U, d, n, d, n)
    X0 = block(L, d, n, 0, d) * La.inv()
    Y0 = Ua.inv() * block(U, 0, d, d, n)
    gl = crux_gadgets(La, True, Lb, True, choice)
    gu = crux_gadgets(Ua, False, Ub, False, choice)
    best = None
    for o1 in (0, 1):
        for o2 in (0, 1):
            ch = [('U', Y0, None)]
            ch += crux_chain(gu, d, o1, alternate=merged)
            ch += [('U', zeros(d, d), D[:d]), ('L', zeros(d, d), D[d:])]
            ch += crux_chain(gl, d, o2, alternate=merged)
            ch += [('L', X0, None)]
            m = merge(ch + suffix)
            if best is None or len(m) < len(best) or (len(m) == len(best) and chain_bits(m) < chain_bits(best)):
                best = m
    return best


if __name__ == '__main__':
    random.seed(2026)
    for n in [int(a) for a in sys.argv[1:]] or [8, 16, 32]:
        T = rand_int_mat(n, n)
        ib = mat_bits(T.inv())
        for choice in ('xy', 'id'):
            for merged in (True, False):
                t0 = time.time()
                ch = ldu_route(T, choice, merged)
                t1 = time.time()
                ok = chain_apply(ch, ident(n)) == T
                b = chain_bits(ch)
                print(n, choice, 'merged' if merged else 'unmerged', len(ch), b, ib, round(b / ib, 2), ok,
                      "%.1fs" % (t1 - t0), flush=True)
