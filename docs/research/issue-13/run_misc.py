"""Extra rows for the report tables: commutator crux at d = 32, 64 and the LDU route at n = 128."""
import random, time, sys
from lib import *
from crux import commutator_chain, levels_chain
from lduroute import ldu_route
which = sys.argv[1]
if which == 'comm':
    for d in (4, 8, 16, 32, 64):
        random.seed(5000 + d)
        n = 2 * d
        T = rand_int_mat(n, n)
        f = ldu_fast(T)
        N = block(f[0], d, n, d, n)
        t0 = time.time()
        ch = commutator_chain(N)
        ok = chain_apply(ch, ident(n)) == bdiag(N, ident(d))
        ch2, R = levels_chain(N)
        ok2 = chain_apply(ch2, ident(n)) == bdiag(N, ident(d))
        print(d, "commutator", len(ch), chain_bits(ch), ok, "| levels", len(ch2), chain_bits(ch2), ok2,
              "| N bits", mat_bits(N), "Tinv bits", mat_bits(T.inv()), "%.1fs" % (time.time() - t0), flush=True)
else:
    for n in (128,):
        random.seed(2026)
        T = rand_int_mat(n, n)
        ib = mat_bits(T.inv())
        for merged in (True, False):
            t0 = time.time()
            ch = ldu_route(T, 'xy', merged)
            ok = chain_apply(ch, ident(n)) == T
            b = chain_bits(ch)
            print(n, 'merged' if merged else 'unmerged', len(ch), b, ib, round(b / ib, 2), ok, "%.1fs" % (time.time() - t0), flush=True)
