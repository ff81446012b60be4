"""Part 3: exact minimal padded depth for small n (census).

For each T: depth <= 1 by inspection; depth <= 3 decided exactly (theorem, every
split p < n, both shapes; p >= n via rank(T - E) <= q, decided exactly here for
q >= n - 1 and by the disjoint-minor certificate otherwise); depth 4 by a search for
an ordinary U layer U0 (z = 0 then) that moves T into the three-layer set
(T' = T U0^-1 or U0^-1 T, the theorem decides T'); depth 5+ from the constructions.
Lower bounds: 'not <= 3' is exact (certificate); '>= 5' is not certified here."""
import sys, itertools, json
import numpy as np
from ex import *
from lul3 import decide_lul, decide_ulu, Infeasible
from chunked import chunked, det_zero_E
from constructions import single_layer, all_three, candidates

def rank_E_leq(T, q, positive, rng):
    """Exists diagonal invertible E (positive) with rank(T - E) <= q?  Exact for
    q >= n - 1 (signed) / searched (positive); None = unknown."""
    n = T.nrows()
    if q >= n:
        return True
    if q == n - 1:
        E = det_zero_E(T, rng, positive, tries=400)
        if E is not None:
            return True
        return None if positive else None
    return None

def three_any_split(T, K, positive, rng):
    n = T.nrows()
    th, reasons = all_three(T, K, positive)
    if th:
        return True, th[0][2]
    if K >= n:
        return True, 'K>=n'
    r = rank_E_leq(T, K, positive, rng)
    if r:
        return True, 'p=n rank'
    return False, reasons

def four_search(T, K, positive, rng, tries=40):
    n = T.nrows()
    for p in range(1, n):
        a = n - p
        T11, T12 = sub(T, 0, p, 0, p), sub(T, 0, p, p, n)
        T22 = sub(T, p, n, p, n)
        for it in range(tries + 2):
            E0 = [Q(int(rng.choice([1, 2, 3])), int(rng.choice([1, 2]))) * (1 if positive or rng.random() < 0.5 else -1) for _ in range(p)]
            if it == 0 and T11.det() != 0:
                E0 = [Q(1)] * p
                B0 = diag(E0) * T11.inv() * T12      # makes (T U0^-1)12 = 0
            elif it == 1 and T22.det() != 0:
                E0 = [Q(1)] * p
                B0 = T12 * T22.inv()                 # makes (U0^-1 T)12 = 0
            else:
                B0 = mat([[int(rng.integers(-2, 3)) for _ in range(a)] for _ in range(p)])
            U0 = blocks([[diag(E0), B0], [zeros(a, p), eye(a)]])
            U0i = U0.inv()
            for order in ('first', 'last'):
                Tp = T * U0i if order == 'first' else U0i * T
                try:
                    ch = decide_lul(Tp, p, K, positive)
                except (Infeasible, AssertionError):
                    continue
                B0pad = blocks([[B0, zeros(p, K)]]) if K > 0 else B0
                u = ('U', B0pad, E0)
                full = [u] + ch if order == 'first' else ch + [u]
                assert check_padded(full, p, n - p + K, T, positive)
                return True, 'U0 %s + LUL p=%d' % (order, p)
    return False, None

def depth_le2(T, positive):
    """Padded depth <= 2 iff unpadded <= 2 for some split (p | n - p) of x, or T diagonal
    (the padding is idle in every chain of at most two layers)."""
    n = T.nrows()
    s = single_layer(T, positive)
    if s is not None:
        return s
    okd = lambda v: all(x != 0 and (not positive or x > 0) for x in v)
    best = None
    for p in range(1, n):
        T11, T12, T21, T22 = sub(T, 0, p, 0, p), sub(T, 0, p, p, n), sub(T, p, n, 0, p), sub(T, p, n, p, n)
        # one layer
        if T21 == zeros(n - p, p) and T22 == eye(n - p) and is_diag(T11) and okd(diag_entries(T11)):
            return 1
        if T12 == zeros(p, n - p) and T11 == eye(p) and is_diag(T22) and okd(diag_entries(T22)):
            return 1
        # U L (matrix): T22 diagonal invertible, Schur complement diagonal
        if is_diag(T22) and okd(diag_entries(T22)):
            Sc = T11 - T12 * T22.inv() * T21
            if is_diag(Sc) and okd(diag_entries(Sc)):
                best = 2
        if is_diag(T11) and okd(diag_entries(T11)):
            Sc = T22 - T21 * T11.inv() * T12
            if is_diag(Sc) and okd(diag_entries(Sc)):
                best = 2
    return best

def census(n, K, entries, positive, rng, limit=None):
    vals = list(range(-entries, entries + 1))
    hist = {}; examples = {}
    count = 0
    for tup in itertools.product(vals, repeat=n * n):
        T = mat([list(tup[i * n:(i + 1) * n]) for i in range(n)])
        if T.det() == 0:
            continue
        count += 1
        if limit and count > limit:
            break
        s = depth_le2(T, positive)
        if s is not None:
            d = s
        else:
            ok3, why = three_any_split(T, K, positive, rng)
            if ok3:
                d = 3  # (2-layer cases are counted as <= 3)
            else:
                ok4, how = four_search(T, K, positive, rng)
                if ok4:
                    d = 4
                else:
                    cands = candidates(T, K, positive, rng)
                    d = '>=4, <=%d' % min(c[0] for c in cands) if cands else '>=4'
        hist[d] = hist.get(d, 0) + 1
        examples.setdefault(d, [T[i, j] for i in range(n) for j in range(n)])
    return hist, examples, count

if __name__ == '__main__':
    rng = np.random.default_rng(0)
    n = int(sys.argv[1]); K = int(sys.argv[2]); ent = int(sys.argv[3]); lim = int(sys.argv[4]) if len(sys.argv) > 4 else None
    for positive in (False, True):
        h, ex_, c = census(n, K, ent, positive, rng, lim)
        print('n=%d K=%d entries in [-%d,%d] %s: %d invertible matrices; depth histogram %s' % (
            n, K, ent, ent, 'positive' if positive else 'signed', c, dict(sorted(h.items(), key=str))))
        for d, e in sorted(ex_.items(), key=str):
            print('   example depth %s: %s' % (d, [str(x) for x in e]))
