"""d = 2, stratum A (T22 and M21 invertible): the conic of (Psi, Phi) and the construction.

T = U1 L1 U2 L2 with M21 := T21 + T22 V invertible (L2 = L(-V, I)) iff there are
diagonal Phi, Psi (nonzero; positive in positive mode) and an invertible K with
   T22 Psi K = K S11 Phi       (S = T^-1),
then V = T22^-1 (K - T21), X = (Phi - T11 - T12 V) K^-1, F(X, V) = Phi, G(X, V) = Psi.
At d = 2 (T22 invertible, delta = det T): the rational points of the conic
   tr(T22 Psi) = tr(S11 Phi),  phi1 phi2 = delta psi1 psi2
are, for lambda in Q \ {0}:
   psi = (s2 delta - t2 lam, lam (t1 - s1 lam)),  phi = (lam psi1, delta (t1 - s1 lam))
(t_i = (T22)_ii, s_i = (S11)_ii), plus the points of the other ruling, which are the same points.
"""
from lib import *
from four import FG, layers_from_xv


def intertwiner(a, b, rng=None):
    """Invertible K with a K = K b (2x2 or general d), or None. Solves the linear system."""
    d = a.nrows()
    # unknown vec(K) row-major; equation a K - K b = 0
    m = fmpq_mat(d * d, d * d)
    for i in range(d):
        for j in range(d):
            r = i * d + j
            for k in range(d):
                m[r, k * d + j] += a[i, k]
                m[r, i * d + k] -= b[k, j]
    # kernel
    rr, rank = m.rref()
    piv = []
    row = 0
    for j in range(d * d):
        if row < rank and rr[row, j] != 0:
            piv.append(j); row += 1
    free = [j for j in range(d * d) if j not in piv]
    basis = []
    for f in free:
        v = [Q(0)] * (d * d); v[f] = Q(1)
        for i, j in enumerate(piv):
            v[j] = -rr[i, f]
        basis.append(v)
    if not basis:
        return None
    rng = rng or random.Random(0)
    for attempt in range(30):
        coef = [Q(1)] * len(basis) if attempt == 0 else [Q(rng.randint(-4, 4)) for _ in basis]
        v = [sum((coef[k] * basis[k][i] for k in range(len(basis))), Q(0)) for i in range(d * d)]
        k = fmpq_mat([[v[i * d + j] for j in range(d)] for i in range(d)])
        if k.det() != 0:
            return k
    return None


def from_scales(t, phi, psi):
    """Stratum A construction from Phi, Psi (lists); returns layers or None."""
    d = t.nrows() // 2
    t11, t12, t21, t22 = quarters(t)
    s11 = quarters(t.inv())[0]
    a = t22 * diag(psi)
    b = s11 * diag(phi)
    if a.charpoly() != b.charpoly():
        return None
    k = intertwiner(a, b)
    if k is None:
        return None
    t22i = t22.inv()
    v = t22i * (k - t21)
    x = (diag(phi) - t11 - t12 * v) * k.inv()
    f, g = FG(t, x, v)
    assert f == diag(phi) and g == diag(psi), 'construction identity failed'
    return layers_from_xv(t, x, v)


def conic_point(t, lam):
    t11, t12, t21, t22 = quarters(t)
    s11 = quarters(t.inv())[0]
    t1, t2, s1, s2 = t22[0, 0], t22[1, 1], s11[0, 0], s11[1, 1]
    delta = t.det()
    psi1 = s2 * delta - t2 * lam
    psi2 = lam * (t1 - s1 * lam)
    phi = [lam * psi1, delta * (t1 - s1 * lam)]
    return phi, [psi1, psi2]


def conic_positive_lambdas(t):
    """Candidate lambdas: sign analysis of the linear factors (positive mode needs lam > 0 and
    sign(s2 delta - t2 lam) = sign(t1 - s1 lam) != 0). Returns a list of test points, one per
    open interval between the roots, plus a few extra."""
    t22 = quarters(t)[3]
    s11 = quarters(t.inv())[0]
    t1, t2, s1, s2 = t22[0, 0], t22[1, 1], s11[0, 0], s11[1, 1]
    delta = t.det()
    roots = {Q(0)}
    if t2 != 0:
        roots.add(s2 * delta / t2)
    if s1 != 0:
        roots.add(t1 / s1)
    rs = sorted(roots)
    pts = [rs[0] - 1] + [(rs[i] + rs[i + 1]) / 2 for i in range(len(rs) - 1)] + [rs[-1] + 1]
    return pts


def four_conic(t, positive=False):
    if quarters(t)[3].det() == 0:
        return None
    lams = conic_positive_lambdas(t) + [Q(k, 3) for k in range(-9, 10) if k]
    for lam in lams:
        if lam == 0:
            continue
        phi, psi = conic_point(t, lam)
        sc = phi + psi
        if any(z == 0 for z in sc):
            continue
        if positive and not (all(z > 0 for z in sc) or all(z < 0 for z in sc)):
            continue
        if positive and sc[0] < 0:
            phi = [-z for z in phi]; psi = [-z for z in psi]
        lay = from_scales(t, phi, psi)
        if lay is not None and check(t, lay, positive):
            return lay
    return None


if __name__ == '__main__':
    t = mat([[1, 2, 0, 1], [0, 1, 3, 0], [2, 0, 1, 1], [1, 1, 0, 2]])
    for positive in [False, True]:
        lay = four_conic(t, positive)
        print('README example, positive=%s:' % positive, 'found' if lay else None)
        for l in lay:
            print('  ', l[0], fmt(l[1]), [str(s) for s in l[2]])
        print('   bits', bits(lay))
