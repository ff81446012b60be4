"""d = 3: rational points of X_T = {charpoly(T22 Psi) = charpoly(S11 Phi)} by Vieta jumping.

Eliminating (psi_a, phi_b) (which enter the three equations linearly, never multiplied
together) leaves a quartic surface Q in P^3 (the other four scales), of degree <= 2 in each
variable, containing the lines {psi_i = phi_j = 0}. Starting on such a line, a jump in one
coordinate (the quadratic has one known root) gives a new rational point; two jumps leave the
boundary. Each point lifts to (psi_a, phi_b) by a 3x2 linear solve.
"""
from lib import *
from conic import from_scales
import itertools


def principal_minors(m):
    d = m.nrows()
    out = {}
    for k in range(1, d + 1):
        for I in itertools.combinations(range(d), k):
            sub = fmpq_mat([[m[i, j] for j in I] for i in I])
            out[I] = sub.det()
    return out


def ek_coeffs(minors, x, a, d):
    """For e_k(M X) = x_a * alpha_k + beta_k (k = 1..d), given the other x's."""
    al, be = [], []
    for k in range(1, d + 1):
        A = Q(0); B = Q(0)
        for I, mv in minors.items():
            if len(I) != k:
                continue
            prod = mv
            for i in I:
                if i != a:
                    prod *= x[i]
            if a in I:
                A += prod
            else:
                B += prod
        al.append(A); be.append(B)
    return al, be


class Surface:
    def __init__(self, t, a=0, b=0):
        self.d = t.nrows() // 2
        self.t = t
        self.A = quarters(t)[3]
        self.B = quarters(t.inv())[0]
        self.ma = principal_minors(self.A)
        self.mb = principal_minors(self.B)
        self.a, self.b = a, b   # eliminated indices

    def rows(self, psi, phi):
        al, be = ek_coeffs(self.ma, psi, self.a, self.d)
        ga, de = ek_coeffs(self.mb, phi, self.b, self.d)
        return [[al[k], -ga[k], be[k] - de[k]] for k in range(self.d)]

    def value(self, psi, phi):
        r = self.rows(psi, phi)
        return fmpq_mat(r).det()

    def lift(self, psi, phi):
        r = self.rows(psi, phi)
        m = fmpq_mat([[x[0], x[1]] for x in r])
        rhs = fmpq_mat([[-x[2]] for x in r])
        from d2 import solve_linear
        sol = solve_linear(m, rhs)
        if sol is None or sol[1]:
            return None
        psi = list(psi); phi = list(phi)
        psi[self.a] = sol[0][0]; phi[self.b] = sol[0][1]
        return psi, phi

    def jump(self, psi, phi, which, idx):
        """Other root of the quadratic in coordinate (which, idx) through the current point."""
        cur = (psi if which == 'psi' else phi)[idx]
        vals = []
        for s in [cur, cur + 1, cur + 2]:
            p2 = list(psi); f2 = list(phi)
            (p2 if which == 'psi' else f2)[idx] = s
            vals.append(self.value(p2, f2))
        if vals[0] != 0:
            return None
        # quadratic through (cur, 0), (cur+1, v1), (cur+2, v2): q(s) = c2 (s-cur)^2 + c1 (s-cur)
        v1, v2 = vals[1], vals[2]
        c2 = (v2 - 2 * v1) / 2
        c1 = v1 - c2
        if c2 == 0:
            return None
        root = cur - c1 / c2
        p2 = list(psi); f2 = list(phi)
        (p2 if which == 'psi' else f2)[idx] = root
        return p2, f2


def candidates(t, positive=False, grid=(1, 2, 3, -1, -2), max_points=400):
    d = 3
    for a in range(d):
        for b in range(d):
            S = Surface(t, a, b)
            others_p = [i for i in range(d) if i != a]
            others_f = [j for j in range(d) if j != b]
            for i0 in others_p:
                for j0 in others_f:
                    i1 = [i for i in others_p if i != i0][0]
                    j1 = [j for j in others_f if j != j0][0]
                    for u in grid:
                        for w in grid:
                            psi = [Q(0)] * d; phi = [Q(0)] * d
                            psi[a] = Q(1); phi[b] = Q(1)   # placeholders (eliminated)
                            psi[i0] = Q(0); phi[j0] = Q(0)
                            psi[i1] = Q(1); phi[j1] = Q(u, w) if w > 0 else Q(-u, -w)
                            frontier = [(psi, phi)]
                            seen = 0
                            for step in range(4):
                                new = []
                                for (ps, ph) in frontier:
                                    for which, idx in [('psi', i0), ('phi', j0), ('psi', i1), ('phi', j1)]:
                                        r = S.jump(ps, ph, which, idx)
                                        if r is None:
                                            continue
                                        new.append(r)
                                        lifted = S.lift(*r)
                                        if lifted is None:
                                            continue
                                        yield lifted
                                        seen += 1
                                frontier = new[:6]
                                if seen > max_points:
                                    break


def four_vieta(t, positive=False, limit=3000):
    if quarters(t)[3].det() == 0:
        return None
    n = 0
    for psi, phi in candidates(t, positive):
        n += 1
        if n > limit:
            return None
        sc = psi + phi
        if any(z == 0 for z in sc):
            continue
        if positive:
            if all(z < 0 for z in sc):
                psi = [-z for z in psi]; phi = [-z for z in phi]
            elif not all(z > 0 for z in sc):
                continue
        lay = from_scales(t, phi, psi)
        if lay is not None and check(t, lay, positive):
            return lay
    return None


def four_vieta_any(t, positive=False):
    from search import swapped
    r = four_vieta(t, positive)
    if r is not None:
        return r
    r = four_vieta(swap(t), positive)
    return swapped(r) if r is not None else None


if __name__ == '__main__':
    import time
    rng = random.Random(11)
    for positive in [False, True]:
        ok = 0; tot = 0; t0 = time.time()
        for trial in range(10):
            t = rand_invertible(6, rng=rng, positive=positive)
            tot += 1
            lay = four_vieta_any(t, positive)
            if lay:
                ok += 1
                assert check(t, lay, positive)
        print('d=3 positive=%s: %d/%d four-layer, %.1fs' % (positive, ok, tot, time.time() - t0))
