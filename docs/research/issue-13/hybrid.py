"""Hybrid frontier inside the G-route: the first CW gadget of the crux does the k deepest levels
of L_G on x1 together with the k top levels of U_G on x2 (Krylov-chain conjugator, chains of
length 2^k, i.e. the commutator-type core on 2^k x 2^k diagonal blocks); the remaining h - k
depths use one gadget each.  k = 1 is the G-route, k = h a single gadget (constant depth)."""
import sys, time, random
from lib import *
from grouped import grouped_crux
from groute import g_parts, wh_chain, tri_inv_upper


def hybrid_route(T, k, parts=None):
    n = T.nrows(); d = n // 2
    X, A, Y, G, f = parts if parts is not None else g_parts(T)
    LG, DG, UG = f
    h = d.bit_length() - 1
    sizes = [k] + [1] * (h - k)
    crux = grouped_crux(LG, UG, k, alternate=True, sizes=sizes)
    UGi = tri_inv_upper(UG)
    best = None
    for wo in (0, 1):
        ch = wh_chain(UGi, wo, UG) + [('U', zeros(d, d), DG)] + crux
        ch += [('U', Y, None), ('L', A, None), ('U', X, None)]
        m = merge(ch)
        if best is None or len(m) < len(best):
            best = m
    return best


if __name__ == '__main__':
    random.seed(2026)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    T = rand_int_mat(n, n)
    ib = mat_bits(T.inv())
    parts = g_parts(T)
    h = (n // 2).bit_length() - 1
    print("n", n, "Tinv bits", ib)
    print("k block layers bits ratio ok time")
    for k in range(1, h + 1):
        t0 = time.time()
        ch = hybrid_route(T, k, parts)
        ok = chain_apply(ch, ident(n)) == T
        b = chain_bits(ch)
        print(k, 1 << k, len(ch), b, round(b / ib, 2), ok, "%.1fs" % (time.time() - t0), flush=True)
