"""Exact helpers for issue 15 research (python-flint fmpq_mat).

Conventions (as in the crate): half split n = 2d,
  L(A, D) = [[I, 0], [A, D]],  U(B, E) = [[E, B], [0, I]]  (D, E diagonal, given as lists)
A decomposition is a list of layers in APPLICATION order; its product is M_K ... M_1.
A layer is a tuple (kind, shift, scale) with kind in {'L', 'U'}.
"""
from flint import fmpq_mat, fmpq, fmpz
import random
import itertools

Q = fmpq


def mat(rows):
    return fmpq_mat([[Q(x) if not isinstance(x, fmpq) else x for x in r] for r in rows])


def zeros(r, c=None):
    return fmpq_mat(r, c if c is not None else r)


def eye(n):
    m = fmpq_mat(n, n)
    for i in range(n):
        m[i, i] = 1
    return m


def diag(v):
    n = len(v)
    m = fmpq_mat(n, n)
    for i in range(n):
        m[i, i] = v[i]
    return m


def diagonal(m):
    return [m[i, i] for i in range(m.nrows())]


def is_diag(m):
    return all(m[i, j] == 0 for i in range(m.nrows()) for j in range(m.ncols()) if i != j)


def block(m, r0, c0, r, c):
    out = fmpq_mat(r, c)
    for i in range(r):
        for j in range(c):
            out[i, j] = m[r0 + i, c0 + j]
    return out


def quarters(t):
    d = t.nrows() // 2
    return block(t, 0, 0, d, d), block(t, 0, d, d, d), block(t, d, 0, d, d), block(t, d, d, d, d)


def from_blocks(a, b, c, dd):
    p, q = a.nrows(), dd.nrows()
    n = p + q
    out = fmpq_mat(n, n)
    for i in range(n):
        for j in range(n):
            if i < p and j < p:
                out[i, j] = a[i, j]
            elif i < p:
                out[i, j] = b[i, j - p]
            elif j < p:
                out[i, j] = c[i - p, j]
            else:
                out[i, j] = dd[i - p, j - p]
    return out


def L(A, D):
    d = A.nrows()
    return from_blocks(eye(d), zeros(d), A, diag(D))


def U(B, E):
    d = B.nrows()
    return from_blocks(diag(E), B, zeros(d), eye(d))


def layer_matrix(layer):
    kind, shift, scale = layer
    return L(shift, scale) if kind == 'L' else U(shift, scale)


def product(layers, n):
    """Product of layers given in application order."""
    m = eye(n)
    for l in layers:
        m = layer_matrix(l) * m
    return m


def check(t, layers, positive=False):
    n = t.nrows()
    if product(layers, n) != t:
        return False
    for (_, _, s) in layers:
        if any(x == 0 for x in s):
            return False
        if positive and any(x <= 0 for x in s):
            return False
    return True


def swap(t):
    a, b, c, dd = quarters(t)
    return from_blocks(dd, c, b, a)


def rand_int_mat(n, lo=-9, hi=9, rng=random):
    return fmpq_mat([[rng.randint(lo, hi) for _ in range(n)] for _ in range(n)])


def rand_invertible(n, lo=-9, hi=9, rng=random, positive=False):
    while True:
        m = rand_int_mat(n, lo, hi, rng)
        dt = m.det()
        if dt != 0 and (not positive or dt > 0):
            return m


def perm_matrix(p, signs=None):
    n = len(p)
    m = fmpq_mat(n, n)
    for j, i in enumerate(p):  # column j maps to row p[j]
        m[i, j] = 1 if signs is None else signs[j]
    return m


def bits(layers):
    b = 0
    for (_, sh, sc) in layers:
        for x in list(sh.entries()) + list(sc):
            x = Q(x)
            b = max(b, int(abs(x.p)).bit_length(), int(x.q).bit_length())
    return b


def fmt(m):
    return '[' + '; '.join(' '.join(str(m[i, j]) for j in range(m.ncols())) for i in range(m.nrows())) + ']'
