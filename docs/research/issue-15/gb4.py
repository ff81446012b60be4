"""Groebner-basis test of the four-layer (ULUL) condition over C for a d = 2 target:
variables X (x0..x3), V (v0..v3), z; equations F12 = F21 = G12 = G21 = 0 and
z * F11 F22 G11 G22 = 1. Returns True if a complex solution exists."""
import sympy as sp
from lib import *

X = sp.Matrix(2, 2, sp.symbols('x0:4'))
V = sp.Matrix(2, 2, sp.symbols('v0:4'))
z = sp.Symbol('z')


def tosp(m):
    return sp.Matrix(m.nrows(), m.ncols(), lambda i, j: sp.Rational(int(m[i, j].p), int(m[i, j].q)))


def FG_sym(t):
    T = tosp(t)
    S = T.inv()
    I2 = sp.eye(2)
    Z2 = sp.zeros(2)
    a = sp.Matrix.hstack(I2, X)
    b = sp.Matrix.vstack(I2, V)
    F = (a * T * b).expand()
    G = (sp.Matrix.hstack(-V, I2) * S * sp.Matrix.vstack(-X, I2)).expand()
    return F, G


def ulul_complex(t):
    F, G = FG_sym(t)
    eqs = [F[0, 1], F[1, 0], G[0, 1], G[1, 0], z * F[0, 0] * F[1, 1] * G[0, 0] * G[1, 1] - 1]
    gb = sp.groebner(eqs, *(list(X) + list(V) + [z]), order='grevlex')
    return not (len(gb.exprs) == 1 and gb.exprs[0] == 1), gb


if __name__ == '__main__':
    import sys
    t = mat([[0, 0, 1, 1], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]])
    print('lower_bound_4 ULUL over C:', ulul_complex(t)[0], ' LULU:', ulul_complex(swap(t))[0])
    t = mat([[1, 2, 0, 1], [0, 1, 3, 0], [2, 0, 1, 1], [1, 1, 0, 2]])
    print('README ULUL over C:', ulul_complex(t)[0])
