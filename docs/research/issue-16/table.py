"""Part 2: depth against K, n = 2..16, K = 1..n (and K = 0 baseline from the project)."""
import sys, json, time
import numpy as np
from ex import *
from constructions import candidates
from completion import run_decompose

def perm(images):
    n = len(images); P = zeros(n, n)
    for j, i in enumerate(images):
        P[int(i), j] = 1
    return P

def families(n, rng):
    fam = []
    for s in range(2):
        fam.append(('random%d' % s, rand_int_matrix(n, rng)))
    T = rand_int_matrix(n, rng)
    if T.det() > 0:
        for j in range(n): T[0, j] = -T[0, j]
    fam.append(('det<0', T))
    fam.append(('-I', -eye(n)))
    pm = list(rng.permutation(n)); fam.append(('perm', perm(pm)))
    fam.append(('reverse', perm(list(range(n))[::-1])))
    if n >= 2:
        fam.append(('swap01', perm([1, 0] + list(range(2, n)))))
    return fam

def single_layer_free(T, positive):
    from constructions import single_layer
    return single_layer(T, positive) is None

def main(ns, out):
    rng = np.random.default_rng(1616)
    rows = []
    for n in ns:
        fam = families(n, rng)
        for name, T in fam:
            tib = max_bits_mat(T.inv())
            # K = 0 baseline (project, default split)
            base = {}
            for positive in (False, True):
                r, err = run_decompose(T, positive)
                base[positive] = (len(r[0]), chain_bits(r[0])) if r else None
            for K in range(1, n + 1):
                for positive in (False, True):
                    t0 = time.time()
                    from constructions import all_three
                    cands = candidates(T, K, positive, rng)
                    und = []
                    if K < n and single_layer_free(T, positive):
                        _, reasons = all_three(T, K, positive)
                        und = [k for k, v in reasons.items() if 'UNDECIDED' in v]
                    if not cands:
                        rows.append(dict(n=n, K=K, fam=name, positive=positive, depth=None)); continue
                    best = min(cands, key=lambda c: (c[0], c[1]))
                    small = [c for c in cands if c[1] <= 2 * max(tib, 4)]
                    bsmall = min(small, key=lambda c: (c[0], c[1])) if small else None
                    rows.append(dict(n=n, K=K, fam=name, positive=positive, depth=best[0], bits=best[1], how=best[2],
                                     split=best[3], small_depth=bsmall[0] if bsmall else None,
                                     small_bits=bsmall[1] if bsmall else None, small_how=bsmall[2] if bsmall else None,
                                     tinv_bits=tib, base=base[positive], secs=round(time.time() - t0, 2), undecided=[list(u) for u in und]))
                    print(json.dumps(rows[-1]), flush=True)
    with open(out, 'w') as f:
        json.dump(rows, f)

if __name__ == '__main__':
    ns = [int(x) for x in sys.argv[1].split(',')]
    main(ns, sys.argv[2])
