"""Validation of the padded three-layer theorem (lul3.py).
1. Necessity/sufficiency on random *valid* padded L U L chains (dense, sparse, singular
   shifts, zero padded shifts), signed and positive: the decision must say yes and its
   own construction must check exactly.
2. K = 0, p = n/2: the decision (LUL or ULU) must agree with the project's independent
   `couplings depth` (<= 3 or >= 4) on random 3-layer products, perturbed ones and
   sparse/permutation-like matrices, in both modes."""
import subprocess, json, sys, os, tempfile
import numpy as np
from ex import *
from lul3 import decide_lul, decide_ulu, Infeasible, blocks_of
from lul import solve_general

BIN = '/work/main/target/release/couplings'
rng = np.random.default_rng(2024)

def rq(lo=-3, hi=3, nz=False):
    while True:
        v = int(rng.integers(lo, hi + 1))
        if v != 0 or not nz:
            return Q(v)

def rmat(r, c, density=1.0):
    return mat([[int(rng.integers(-3, 4)) if rng.random() < density else 0 for _ in range(c)] for _ in range(r)])

def rscale(k, positive):
    return [Q(int(rng.integers(1, 4)), int(rng.integers(1, 3))) * (1 if positive or rng.random() < 0.5 else -1) for _ in range(k)]

def random_valid_lul(n, K, p, positive):
    """Random chain L U L on split (p | a+K) with M[n:, :n] = 0 (see text)."""
    a = n - p; q = a + K
    dens = rng.choice([1.0, 0.6, 0.3])
    Bx = rmat(p, a, dens); D1x = rscale(a, positive)
    T12 = Bx * diag(D1x)
    Cf = left_kernel(T12)
    if Cf is None or K == 0:
        C = zeros(K, p)
    else:
        # K rows, random combinations of the left kernel (maybe rank-deficient / zero)
        C = rmat(K, Cf.nrows(), rng.choice([1.0, 0.5, 0.0])) * Cf
    E = rscale(p, positive); A1x = rmat(a, p, dens); Bz = rmat(p, K, rng.choice([1.0, 0.5, 0.0]))
    D2z = rscale(K, positive); D2x = rscale(a, positive); A2x = rmat(a, p, dens)
    # A1z from (I + D2z^-1 C Bz) A1z = -D2z^-1 C (E + Bx A1x)
    if K > 0:
        Mm = eye(K) + diag([1 / d for d in D2z]) * C * Bz
        if Mm.det() == 0:
            return None
        A1z = Mm.inv() * (-(diag([1 / d for d in D2z]) * C * (diag(E) + Bx * A1x)))
        A1 = blocks([[A1x], [A1z]]); B = blocks([[Bx, Bz]]); A2 = blocks([[A2x], [C]])
    else:
        A1, B, A2 = A1x, Bx, A2x
    chain = [L(A1, D1x + rscale(K, positive)), U(B, E), L(A2, D2x + D2z)]
    M = product(chain, p, q)
    T = sub(M, 0, n, 0, n)
    if T.det() == 0:
        return None
    assert sub(M, n, n + K, 0, n) == zeros(K, n)
    return T, chain

def part1():
    cnt = 0
    for trial in range(600):
        n = int(rng.integers(2, 7)); K = int(rng.integers(0, n + 1)); p = int(rng.integers(1, n))
        positive = bool(rng.random() < 0.4)
        r = random_valid_lul(n, K, p, positive)
        if r is None:
            continue
        T, chain = r
        try:
            ch = decide_lul(T, p, K, positive)
        except Infeasible as e:
            print('FAIL: valid chain rejected', n, K, p, positive, e.reason); print(T); sys.exit(1)
        cnt += 1
    print('part 1: %d random valid padded LUL chains recognised and rebuilt exactly' % cnt)

def to_text(T):
    return '\n'.join(' '.join(str(T[i, j]) for j in range(T.ncols())) for i in range(T.nrows())) + '\n'

def project_depth(T, positive):
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
        f.write(to_text(T)); name = f.name
    out = subprocess.run([BIN, 'depth', name, '--mode', 'positive' if positive else 'signed'], capture_output=True, text=True).stdout
    os.unlink(name)
    line = [l for l in out.splitlines() if l.startswith('minimal depth')][0]
    return 4 if 'at least 4' in line else int(line.split(':')[1].split()[0])

def ours3(T, positive):
    n = T.nrows(); p = n // 2
    res = False
    for f in (decide_lul, decide_ulu):
        try:
            f(T, p, 0, positive); res = True
        except Infeasible:
            pass
    return res

def random_unpadded_product(n, shape, positive):
    p = n // 2
    ch = []
    for kind in shape:
        dens = rng.choice([1.0, 0.5, 0.2, 0.0])
        if kind == 'L':
            ch.append(L(rmat(p, p, dens), rscale(p, positive)))
        else:
            ch.append(U(rmat(p, p, dens), rscale(p, positive)))
    return product(ch, p, p)

def part2():
    agree = 0; stats = {}
    for trial in range(400):
        n = int(rng.choice([2, 4, 6]))
        positive = bool(rng.random() < 0.4)
        kind = rng.choice(['LUL', 'ULU', 'perturbed', 'sparse', 'perm'])
        if kind in ('LUL', 'ULU'):
            T = random_unpadded_product(n, kind, positive)
        elif kind == 'perturbed':
            T = random_unpadded_product(n, str(rng.choice(['LUL', 'ULU'])), positive)
            i, j = rng.integers(0, n, size=2); T[int(i), int(j)] += 1
        elif kind == 'sparse':
            T = rmat(n, n, 0.4)
        else:
            P = zeros(n, n)
            for c, r in enumerate(rng.permutation(n)):
                P[int(r), c] = 1 if rng.random() < 0.7 else -1
            T = P
        if T.det() == 0:
            continue
        mine = ours3(T, positive)
        theirs = project_depth(T, positive) <= 3
        if mine != theirs:
            print('DISAGREE', kind, positive, mine, theirs); print(T); sys.exit(1)
        agree += 1
        stats[(kind, mine)] = stats.get((kind, mine), 0) + 1
    print('part 2: %d matrices, K = 0 decision agrees with `couplings depth` (<= 3 vs >= 4) on all' % agree)
    print('   counts (family, <=3):', dict(sorted(stats.items())))

if __name__ == '__main__':
    part1()
    part2()
