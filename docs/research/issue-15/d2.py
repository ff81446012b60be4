"""d = 2 four-layer constructions.

Method XV: pick X, solve the 4 linear equations F12 = F21 = G12 = G21 = 0 for V.
Method conic: T22 invertible; Psi, Phi on the conic tr(T22 Psi) = tr(S11 Phi),
  det(T22) psi1 psi2 = det(S11) phi1 phi2, parametrised by lambda = phi1/psi1;
  then K (= M21) an invertible intertwiner T22 Psi K = K S11 Phi, V = T22^-1 (K - T21),
  X = (Phi - T11 - T12 V) K^-1.
"""
from lib import *
from four import FG, layers_from_xv


def solve_linear(a, b):
    """All solutions of a x = b (fmpq_mat a, column b): (particular, kernel basis) or None."""
    m, n = a.nrows(), a.ncols()
    aug = fmpq_mat(m, n + 1)
    for i in range(m):
        for j in range(n):
            aug[i, j] = a[i, j]
        aug[i, n] = b[i, 0]
    r, rank = aug.rref()
    piv = []
    row = 0
    for j in range(n + 1):
        if row < rank and r[row, j] != 0:
            piv.append(j)
            row += 1
    if n in piv:
        return None
    part = [Q(0)] * n
    for i, j in enumerate(piv):
        part[j] = r[i, n]
    free = [j for j in range(n) if j not in piv]
    ker = []
    for f in free:
        v = [Q(0)] * n
        v[f] = Q(1)
        for i, j in enumerate(piv):
            v[j] = -r[i, f]
        ker.append(v)
    return part, ker


def v_system(t, x):
    """Linear system in vec(V) (row-major v00 v01 v10 v11) for the off-diagonal entries of F and G."""
    d = 2
    rows, rhs = [], []
    base_f, base_g = FG(t, x, zeros(2))
    cols = []
    for k in range(4):
        e = zeros(2)
        e[k // 2, k % 2] = 1
        f, g = FG(t, x, e)
        cols.append((f - base_f, g - base_g))
    a = fmpq_mat(4, 4)
    b = fmpq_mat(4, 1)
    for r, (which, i, j) in enumerate([(0, 0, 1), (0, 1, 0), (1, 0, 1), (1, 1, 0)]):
        for k in range(4):
            a[r, k] = cols[k][which][i, j]
        b[r, 0] = -(base_f if which == 0 else base_g)[i, j]
    return a, b


def try_x(t, x, positive=False, rng=None):
    a, b = v_system(t, x)
    sol = solve_linear(a, b)
    if sol is None:
        return None
    part, ker = sol
    cands = [part]
    if ker and rng is not None:
        for _ in range(4):
            v = list(part)
            for kv in ker:
                c = Q(rng.randint(-5, 5))
                v = [v[i] + c * kv[i] for i in range(4)]
            cands.append(v)
    for vv in cands:
        v = fmpq_mat([[vv[0], vv[1]], [vv[2], vv[3]]])
        f, g = FG(t, x, v)
        dg = diagonal(f) + diagonal(g)
        if any(z == 0 for z in dg) or (positive and any(z < 0 for z in dg)):
            continue
        lay = layers_from_xv(t, x, v)
        if lay is not None and check(t, lay, positive):
            return lay
    return None


def four_xv(t, positive=False, tries=60, seed=0):
    """Search X (small entries), both shapes (ULUL on T, LULU via S T S)."""
    rng = random.Random(seed)
    xs = [zeros(2)]
    for k in range(4):
        e = zeros(2); e[k // 2, k % 2] = 1; xs.append(e)
    while len(xs) < tries:
        xs.append(rand_int_mat(2, -3, 3, rng))
    for x in xs:
        lay = try_x(t, x, positive, rng)
        if lay is not None:
            return 'ULUL', lay
        lay = try_x(swap(t), x, positive, rng)
        if lay is not None:
            return 'LULU', [(('U' if k == 'L' else 'L'), s, c) for (k, s, c) in lay]
    return None


if __name__ == '__main__':
    t = mat([[1, 2, 0, 1], [0, 1, 3, 0], [2, 0, 1, 1], [1, 1, 0, 2]])
    for positive in [False, True]:
        r = four_xv(t, positive)
        print('README example positive=%s:' % positive, r[0] if r else None)
        if r:
            for l in r[1]:
                print('  ', l[0], fmt(l[1]), [str(s) for s in l[2]])
            assert check(t, r[1], positive)
