"""Exact helpers (python-flint fmpq_mat): layers, chains, padded check.

Conventions (the project's): split (p | q) of N = n + K coordinates, padded
coordinates are the last K; L(A, D) = [[I, 0], [A, D]], U(B, E) = [[E, B], [0, I]];
a chain is a list of layers in application order, representing M_k ... M_1.
A layer is a tuple (kind, shift, scale) with scale a list of rationals.
"""
import flint
from flint import fmpq, fmpq_mat

Q = fmpq


def mat(rows):
    return fmpq_mat([[Q(x) for x in r] for r in rows])


def zeros(r, c):
    return fmpq_mat(r, c)


def eye(n):
    M = fmpq_mat(n, n)
    for i in range(n):
        M[i, i] = 1
    return M


def diag(v):
    M = fmpq_mat(len(v), len(v))
    for i, x in enumerate(v):
        M[i, i] = x
    return M


def sub(M, r0, r1, c0, c1):
    out = fmpq_mat(r1 - r0, c1 - c0)
    for i in range(r0, r1):
        for j in range(c0, c1):
            out[i - r0, j - c0] = M[i, j]
    return out


def put(M, r0, c0, B):
    for i in range(B.nrows()):
        for j in range(B.ncols()):
            M[r0 + i, c0 + j] = B[i, j]


def blocks(rows):
    """rows: list of lists of fmpq_mat (compatible sizes)."""
    R = sum(row[0].nrows() for row in rows)
    C = sum(B.ncols() for B in rows[0])
    M = fmpq_mat(R, C)
    r = 0
    for row in rows:
        c = 0
        for B in row:
            put(M, r, c, B)
            c += B.ncols()
        r += row[0].nrows()
    return M


def is_diag(M):
    return all(M[i, j] == 0 for i in range(M.nrows()) for j in range(M.ncols()) if i != j)


def diag_entries(M):
    return [M[i, i] for i in range(M.nrows())]


def layer_matrix(layer, p, q):
    kind, shift, scale = layer
    N = p + q
    M = eye(N)
    if kind == 'L':
        assert shift.nrows() == q and shift.ncols() == p and len(scale) == q
        put(M, p, 0, shift)
        for i, s in enumerate(scale):
            M[p + i, p + i] = s
    else:
        assert shift.nrows() == p and shift.ncols() == q and len(scale) == p
        put(M, 0, p, shift)
        for i, s in enumerate(scale):
            M[i, i] = s
    return M


def L(A, D=None):
    q = A.nrows()
    return ('L', A, [Q(1)] * q if D is None else [Q(x) for x in D])


def U(B, E=None):
    p = B.nrows()
    return ('U', B, [Q(1)] * p if E is None else [Q(x) for x in E])


def product(chain, p, q):
    M = eye(p + q)
    for layer in chain:
        M = layer_matrix(layer, p, q) * M
    return M


def check_padded(chain, p, q, T, positive=False):
    """Independent check: every scale nonzero (positive), M[:, :n] == [[T],[0]]."""
    n = T.nrows()
    N = p + q
    for kind, shift, scale in chain:
        for s in scale:
            if s == 0 or (positive and s < 0):
                return False
    M = product(chain, p, q)
    for i in range(N):
        for j in range(n):
            want = T[i, j] if i < n else 0
            if M[i, j] != want:
                return False
    return True


def bits(x):
    x = Q(x)
    return max(int(x.p).bit_length(), int(x.q).bit_length())


def max_bits_mat(M):
    return max([bits(M[i, j]) for i in range(M.nrows()) for j in range(M.ncols())] + [0])


def chain_bits(chain):
    b = 0
    for kind, shift, scale in chain:
        b = max(b, max_bits_mat(shift), max([bits(s) for s in scale] + [0]))
    return b


def left_kernel(M):
    """Rows spanning {c : c M = 0}."""
    return kernel(M.transpose()).transpose() if kernel(M.transpose()) is not None else None


def kernel(M):
    """Columns spanning {k : M k = 0}, as an fmpq_mat (cols), or None if trivial."""
    R, rank = M.rref()
    r, c = M.nrows(), M.ncols()
    piv = []
    row = 0
    for j in range(c):
        if row < rank and R[row, j] != 0:
            piv.append(j)
            row += 1
    free = [j for j in range(c) if j not in piv]
    if not free:
        return None
    Kmat = fmpq_mat(c, len(free))
    for t, f in enumerate(free):
        Kmat[f, t] = 1
        for i, pj in enumerate(piv):
            Kmat[pj, t] = -R[i, f]
    return Kmat


def rand_int_matrix(n, rng, lo=-9, hi=9):
    while True:
        M = mat([[int(rng.integers(lo, hi + 1)) for _ in range(n)] for _ in range(n)])
        if M.det() != 0:
            return M


def to_np(M):
    import numpy as np
    return np.array([[float(M[i, j]) for j in range(M.ncols())] for i in range(M.nrows())])
