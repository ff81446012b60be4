"""Part 1: K = n.  Exact check that L(T - I), U(I), L(T^-1 - I) (application order,
split (n | n), unit scales) maps [x; 0] to [T x; 0], i.e. M[:, :n] = [[T], [0]],
and that the whole product is M = [[T, I], [0, T^-1]].  Families: random integer
(det of both signs), permutations (even and odd), -I, det < 0, Glow-like
dyadic matrices.  Also times the exact inverse (the only non-trivial cost)."""
import time, sys
import numpy as np
from ex import *

def three(T):
    n = T.nrows()
    Ti = T.inv()
    return [L(T - eye(n)), U(eye(n)), L(Ti - eye(n))], Ti

def perm(images):
    n = len(images)
    P = zeros(n, n)
    for j, i in enumerate(images):
        P[i, j] = 1
    return P

def run():
    rng = np.random.default_rng(16)
    ok = 0
    fams = []
    for n in list(range(1, 17)) + [24, 32, 48, 64]:
        fams.append(('random', rand_int_matrix(n, rng)))
        Tm = rand_int_matrix(n, rng)
        if Tm.det() > 0 and n > 0:
            for j in range(n):
                Tm[0, j] = -Tm[0, j]
        fams.append(('det<0', Tm))
        fams.append(('-I', -eye(n)))
        fams.append(('perm', perm(list(rng.permutation(n)))))
        if n >= 2:
            fams.append(('transposition', perm([1, 0] + list(range(2, n)))))
        fams.append(('reverse', perm(list(range(n))[::-1])))
    for name, T in fams:
        n = T.nrows()
        chain, Ti = three(T)
        good = check_padded(chain, n, n, T, positive=True)
        M = product(chain, n, n)
        full = M == blocks([[T, eye(n)], [zeros(n, n), Ti]])
        assert good and full, (name, n)
        ok += 1
        bl = chain_bits(chain); bt = max(max_bits_mat(T), max_bits_mat(Ti))
        assert bl <= max(bt, 2) + 1, (bl, bt)   # T - I and T^-1 - I: at most one more bit
    print('K = n: %d targets checked exactly (M[:, :n] = [[T],[0]], M = [[T, I],[0, T^-1]], all scales 1)' % ok)
    # timing of the exact inverse (python-flint), n = 64, 128, 256
    for n in [64, 128, 256]:
        T = rand_int_matrix(n, rng)
        t0 = time.time(); chain, Ti = three(T); t1 = time.time()
        good = check_padded(chain, n, n, T, positive=True); t2 = time.time()
        print('n=%d: construct (inverse) %.2fs, exact check %.2fs, ok=%s, max bits %d (T^-1 %d)' %
              (n, t1 - t0, t2 - t1, good, chain_bits(chain), max_bits_mat(Ti)))

if __name__ == '__main__':
    run()
