"""Positive-mode 4-layer refutation on stratum A (T22 invertible): find h = l * m + c * q with all
coefficients >= 0 and h != 0, where l = t1 psi1 + t2 psi2 - s1 phi1 - s2 phi2 (trace) and
q = phi1 phi2 - delta psi1 psi2 (determinant), m a linear form (small integer search).
If found, no positive (psi, phi) lies on the conic: the certificate is (m, c)."""
from lib import *
import itertools, sympy as sp

z = sp.symbols('psi1 psi2 phi1 phi2')


def conic_polys(t):
    t22 = quarters(t)[3]; s11 = quarters(t.inv())[0]
    R = lambda x: sp.Rational(int(x.p), int(x.q))
    l = R(t22[0, 0]) * z[0] + R(t22[1, 1]) * z[1] - R(s11[0, 0]) * z[2] - R(s11[1, 1]) * z[3]
    q = z[2] * z[3] - R(t.det()) * z[0] * z[1]
    return sp.expand(l), sp.expand(q)


def find_cert(t, rng=range(-3, 4)):
    l, q = conic_polys(t)
    for mu in itertools.product(rng, repeat=4):
        m = sum(mu[i] * z[i] for i in range(4))
        for c in rng:
            h = sp.Poly(sp.expand(l * m + c * q), *z)
            cs = h.coeffs()
            if h.is_zero:
                continue
            if all(x >= 0 for x in cs) or all(x <= 0 for x in cs):
                return mu, c, h.as_expr()
    # also: l alone
    return None


if __name__ == '__main__':
    fails = ['7 -1 -8 0; 7 -1 8 9; -1 3 -9 8; -7 8 -2 -5', '-3 5 2 2; 8 -4 -2 -4; -8 3 -6 -1; 4 -5 -9 -3']
    for f in fails:
        t = mat([[int(x) for x in r.split()] for r in f.split(';')])
        for tt, name in [(t, 'ULUL'), (swap(t), 'LULU')]:
            print(name, find_cert(tt))
