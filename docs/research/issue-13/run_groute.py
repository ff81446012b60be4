import sys, time, random
from lib import *
from groute import g_route
random.seed(2026)
for n in [int(a) for a in sys.argv[1:]]:
    T = rand_int_mat(n, n)
    t0 = time.time(); Ti = T.inv(); tinv = time.time() - t0
    ib = mat_bits(Ti)
    for choice, mc in (('xy', True), ('xy', False)):
        t0 = time.time()
        ch = g_route(T, choice, mc)
        t1 = time.time()
        ok = chain_apply(ch, ident(n)) == T
        t2 = time.time()
        b = chain_bits(ch)
        print(n, choice, 'merged' if mc else 'unmerged', len(ch), b, ib, round(b / ib, 2), ok,
              "build %.1fs verify %.1fs flint-inv %.2fs" % (t1 - t0, t2 - t1, tinv), flush=True)
