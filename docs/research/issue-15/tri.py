"""General d: the triangular four-layer criterion and the six-layer construction.

Lemma (triangular criterion). If M22 and (M^-1)11 are triangular up to a simultaneous
permutation of rows and columns ("perm-triangular"), with nonzero diagonals, then M is
ULUL over Q: pick distinct nonzero c_i; Psi = diag(c_i / m_ii), Phi = diag(c_s(i) / s_..)
so that M22 Psi and (M^-1)11 Phi have the same simple spectrum; K = P1 P2^-1 from their
eigenvector matrices; V = M22^-1 (K - M21); X = (Phi - M11 - M12 V) K^-1.
Positive mode: possible iff #negative diagonal entries agree (then all of Phi, Psi > 0).

Six layers: T = L(A, I) M U(B, I) (matrix product); M22 = [-A I] T [-B; I],
(M^-1)11 = [I B] T^-1 [I; A]. For fixed A both triangularity conditions are linear in B.
"""
from lib import *
from four import FG, layers_from_xv
from d2 import solve_linear


def tri_order(m):
    """A permutation p such that m[p][:,p] is lower triangular (nonzero off-diagonal entry (i,j)
    means j before i), or None if the digraph has a cycle."""
    d = m.nrows()
    indeg = {i: set(j for j in range(d) if j != i and m[i, j] != 0) for i in range(d)}
    order = []
    done = set()
    while len(order) < d:
        ready = [i for i in range(d) if i not in done and indeg[i] <= done]
        if not ready:
            return None
        i = ready[0]
        order.append(i)
        done.add(i)
    return order


def eigvecs_lower_simple(a, order):
    """Eigenvector matrix P (columns) of a perm-lower-triangular a with simple spectrum,
    via solving (a - c I) p = 0 exactly for each diagonal value c."""
    d = a.nrows()
    cols = []
    for i in range(d):
        c = a[i, i]
        m = a - diag([c] * d)
        sol = solve_linear(m, zeros(d, 1))
        part, ker = sol
        assert len(ker) == 1, 'spectrum not simple'
        cols.append(ker[0])
    return fmpq_mat([[cols[j][i] for j in range(d)] for i in range(d)])


def four_triangular(m, positive=False, scale_seed=0):
    """ULUL layers (application order) for m under the triangular criterion, or None."""
    d = m.nrows() // 2
    m11, m12, m21, m22 = quarters(m)
    if m22.det() == 0:
        return None
    s11 = quarters(m.inv())[0]
    if tri_order(m22) is None or tri_order(s11) is None:
        return None
    a = diagonal(m22)
    b = diagonal(s11)
    if any(x == 0 for x in a + b):
        return None
    if positive:
        negs_a = [i for i in range(d) if a[i] < 0]
        negs_b = [i for i in range(d) if b[i] < 0]
        if len(negs_a) != len(negs_b):
            return None
        pos_a = [i for i in range(d) if a[i] > 0]
        pos_b = [i for i in range(d) if b[i] > 0]
        match = dict(zip(negs_a, negs_b)); match.update(zip(pos_a, pos_b))
    else:
        match = {i: i for i in range(d)}
    psi = [None] * d
    phi = [None] * d
    for k, i in enumerate(range(d)):
        c = Q(k + 1 + scale_seed)
        if positive:
            c = c if a[i] > 0 else -c
        psi[i] = c / a[i]
        phi[match[i]] = c / b[match[i]]
    A = m22 * diag(psi)
    B = s11 * diag(phi)
    p1 = eigvecs_lower_simple(A, None)
    p2 = eigvecs_lower_simple(B, None)
    # A p1 = p1 C1, B p2 = p2 C2 with C1, C2 diagonal of the same values in different order
    c1 = [A[i, i] for i in range(d)]
    c2 = [B[i, i] for i in range(d)]
    perm = [c2.index(c) for c in c1]
    p2s = fmpq_mat([[p2[i, perm[j]] for j in range(d)] for i in range(d)])
    k = p1 * p2s.inv()      # A K = K B
    assert A * k == k * B
    v = m22.inv() * (k - m21)
    x = (diag(phi) - m11 - m12 * v) * k.inv()
    f, g = FG(m, x, v)
    if f != diag(phi) or g != diag(psi):
        return None
    return layers_from_xv(m, x, v)


def six_layers(t, positive=False, seed=0, tries=50, orient=None):
    """T = L(A, I) M U(B, I) with M triangular-ULUL. Returns application-order layers."""
    from search import merge
    rng = random.Random(seed)
    d = t.nrows() // 2
    ti = t.inv()
    for trial in range(tries):
        a = zeros(d) if trial == 0 else rand_int_mat(d, -2, 2, rng)
        # unknown B (d x d): M22 = (T22 - A T12) - (T21 - A T11) B ; (M^-1)11 = (S11 + S12 A) + B (S21 + S22 A)
        t11, t12, t21, t22 = quarters(t)
        s11, s12, s21, s22 = quarters(ti)
        y = t22 - a * t12
        z = t21 - a * t11
        y2 = s11 + s12 * a
        z2 = s21 + s22 * a
        # orientation: M22 lower (zero above diag), (M^-1)11 upper or lower
        for o in ([orient] if orient else ['LU', 'LL']):
            rows, rhs = [], []
            for i in range(d):
                for j in range(d):
                    if i < j:   # M22[i,j] = y[i,j] - sum_k z[i,k] B[k,j] = 0
                        r = [Q(0)] * (d * d)
                        for kk in range(d):
                            r[kk * d + j] -= z[i, kk]
                        rows.append(r); rhs.append(-y[i, j])
                    want_zero = (i > j) if o == 'LU' else (i < j)
                    if want_zero:   # (M^-1)11[i,j] = y2[i,j] + sum_k B[i,k] z2[k,j] = 0
                        r = [Q(0)] * (d * d)
                        for kk in range(d):
                            r[i * d + kk] += z2[kk, j]
                        rows.append(r); rhs.append(-y2[i, j])
            if not rows:
                continue
            sol = solve_linear(fmpq_mat(rows), fmpq_mat([[x] for x in rhs]))
            if sol is None:
                continue
            part, ker = sol
            for sub in range(6):
                vec = list(part)
                for kv in ker:
                    c = Q(rng.randint(-3, 3)) if sub else Q(0)
                    vec = [vec[i] + c * kv[i] for i in range(d * d)]
                b = fmpq_mat([[vec[i * d + j] for j in range(d)] for i in range(d)])
                mm = L(-a, [Q(1)] * d) * t * U(-b, [Q(1)] * d)   # L(A)^-1 T U(B)^-1
                lay = four_triangular(mm, positive)
                if lay is None:
                    continue
                full = merge([('U', b, [Q(1)] * d)] + lay + [('L', a, [Q(1)] * d)])
                if check(t, full, positive):
                    return full
    return None


if __name__ == '__main__':
    random.seed(5)
    t = mat([[0, 0, 1, 1], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]])
    for pos in [False, True]:
        r = six_layers(t, pos)
        print('lb4', pos, None if r is None else len(r))
    t = diag([-1, -1, 1, 1])
    r = six_layers(t, True)
    print('diag(-I,I) positive:', None if r is None else len(r))
    if r:
        for l in r:
            print('  ', l[0], fmt(l[1]), [str(s) for s in l[2]])


def invert_layers(layers):
    from search import inv_layer
    return [inv_layer(l) for l in reversed(layers)]


def six_any(t, positive=False, seed=0, tries=40):
    """six_layers on T, S T S, T^-1, S T^-1 S (all give the same depth)."""
    from search import swapped
    variants = [(t, lambda l: l), (swap(t), swapped), (t.inv(), invert_layers),
                (swap(t.inv()), lambda l: invert_layers(swapped(l)))]
    best = None
    for m, back in variants:
        r = six_layers(m, positive, seed=seed, tries=tries)
        if r is not None:
            r = back(r)
            assert check(t, r, positive)
            if best is None or len(r) < len(best):
                best = r
            if len(best) <= 5:
                break
    return best
