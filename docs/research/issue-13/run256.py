"""n = 256 row: one preparation, merged and unmerged chains, exact check (seed 1000 + n)."""
import random, time, sys
from lib import *
import compact as C

n = int(sys.argv[1]) if len(sys.argv) > 1 else 256
random.seed(1000 + n)
T = rand_int_mat(n, n)
t0 = time.time(); Ti = T.inv(); tinv = time.time() - t0
ib = mat_bits(Ti)
print("n", n, "Tinv bits", ib, "flint inverse %.2fs" % tinv, flush=True)
t0 = time.time()
prep = C.prepare(T)
print("prepared %.1fs" % (time.time() - t0), flush=True)
orig = C.prepare
C.prepare = lambda T, seed=1: prep
for merged in (True, False):
    t0 = time.time()
    ch = C.compact(T, 'signed', merged)
    tb = time.time() - t0
    b = chain_bits(ch)
    print(n, 'signed', 'merged' if merged else 'unmerged', len(ch), b, ib, round(b / ib, 2), "build %.1fs" % tb, flush=True)
    t0 = time.time()
    ok = chain_apply(ch, ident(n)) == T
    print("   exact:", ok, "verify %.1fs" % (time.time() - t0), flush=True)
