"""Main measurement: compact reference on random [-9, 9] matrices (seed 1000*seed + n as in
bench/compare.py), signed (merged / unmerged) and positive (merged), with exact check."""
import sys, time, random
from lib import *
from compact import compact, check_positive

if __name__ == '__main__':
    sizes = [int(a) for a in sys.argv[1:]] or [4, 8, 16, 32, 64]
    print("n variant layers bits Tinv_bits ratio exact time_build_s time_flint_inv_s", flush=True)
    for n in sizes:
        random.seed(1000 * 1 + n)
        T = rand_int_mat(n, n)
        if T.det() < 0:
            for j in range(n):
                T[0, j] = -T[0, j]
        t0 = time.time(); Ti = T.inv(); tinv = time.time() - t0
        ib = mat_bits(Ti)
        for mode, merged in (('signed', True), ('signed', False), ('positive', True)):
            t0 = time.time()
            ch = compact(T, mode, merged)
            tb = time.time() - t0
            ok = chain_apply(ch, ident(n)) == T
            if mode == 'positive':
                ok = ok and check_positive(ch)
            b = chain_bits(ch)
            print(n, mode + ('/merged' if merged else '/unmerged'), len(ch), b, ib, round(b / ib, 2), ok,
                  "%.1f" % tb, "%.3f" % tinv, flush=True)
