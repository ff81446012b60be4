"""Shared helpers for the issue-13 research scripts (exact arithmetic with python-flint).

Conventions (as in the project): half split n = 2d,
  L(A, D) = [[I, 0], [A, D]]   (lower layer: x2 <- A x1 + D x2)
  U(B, E) = [[E, B], [0, I]]   (upper layer: x1 <- E x1 + B x2)
A *chain* is a list of layers in APPLICATION order; its matrix is M_K ... M_1.
Each layer is a tuple (kind, shift, scale) with kind in {'L', 'U'}, shift a d x d
fmpq_mat and scale a list of d fmpq (None means unit scale).
"""
import random
from flint import fmpq_mat, fmpz_mat, fmpq, fmpz


def rand_int_mat(r, c, lo=-9, hi=9, rng=random):
    return fmpq_mat(r, c, [rng.randint(lo, hi) for _ in range(r * c)])


def ident(d):
    m = fmpq_mat(d, d)
    for i in range(d):
        m[i, i] = 1
    return m


def zeros(r, c):
    return fmpq_mat(r, c)


def diag(vals):
    d = len(vals)
    m = fmpq_mat(d, d)
    for i, v in enumerate(vals):
        m[i, i] = v
    return m


def block(m, r0, r1, c0, c1):
    out = fmpq_mat(r1 - r0, c1 - c0)
    for i in range(r0, r1):
        for j in range(c0, c1):
            out[i - r0, j - c0] = m[i, j]
    return out


def blocks(t):
    n = t.nrows()
    d = n // 2
    return (block(t, 0, d, 0, d), block(t, 0, d, d, n),
            block(t, d, n, 0, d), block(t, d, n, d, n))


def assemble(b11, b12, b21, b22):
    p, q = b11.nrows(), b22.nrows()
    n = p + q
    m = fmpq_mat(n, n)
    for i in range(p):
        for j in range(p):
            m[i, j] = b11[i, j]
        for j in range(q):
            m[i, p + j] = b12[i, j]
    for i in range(q):
        for j in range(p):
            m[p + i, j] = b21[i, j]
        for j in range(q):
            m[p + i, p + j] = b22[i, j]
    return m


def bdiag(a, b):
    return assemble(a, zeros(a.nrows(), b.ncols()), zeros(b.nrows(), a.ncols()), b)


def Lmat(a, dscale=None):
    d = a.nrows()
    D = ident(d) if dscale is None else diag(dscale)
    return assemble(ident(d), zeros(d, d), a, D)


def Umat(b, escale=None):
    d = b.nrows()
    E = ident(d) if escale is None else diag(escale)
    return assemble(E, b, zeros(d, d), ident(d))


def layer_matrix(layer):
    kind, shift, scale = layer
    return Lmat(shift, scale) if kind == 'L' else Umat(shift, scale)


def chain_product(chain, d):
    """Matrix of a chain given in application order (M_K ... M_1), applied blockwise."""
    n = 2 * d
    m = ident(n)
    for layer in chain:
        m = layer_matrix(layer) * m
    return m


def apply_layer(layer, m):
    """layer_matrix(layer) * m, computed blockwise (cheap)."""
    kind, shift, scale = layer
    d = shift.nrows()
    n = m.nrows()
    top = block(m, 0, d, 0, m.ncols())
    bot = block(m, d, n, 0, m.ncols())
    if kind == 'L':
        nb = shift * top + (bot if scale is None else diag(scale) * bot)
        return vstack(top, nb)
    nt = (top if scale is None else diag(scale) * top) + shift * bot
    return vstack(nt, bot)


def vstack(a, b):
    m = fmpq_mat(a.nrows() + b.nrows(), a.ncols())
    for i in range(a.nrows()):
        for j in range(a.ncols()):
            m[i, j] = a[i, j]
    for i in range(b.nrows()):
        for j in range(b.ncols()):
            m[a.nrows() + i, j] = b[i, j]
    return m


def chain_apply(chain, m):
    for layer in chain:
        m = apply_layer(layer, m)
    return m


def merge(chain):
    """Merge consecutive same-kind layers: L(A,D) then L(A',D') (application order)
    is L(A' + D' A, D' D); likewise U(B,E) then U(B',E') is U(E' B + B', E' E)...
    careful with order: later layer M2 times earlier M1."""
    out = []
    for layer in chain:
        if out and out[-1][0] == layer[0]:
            k, s1, c1 = out.pop()
            _, s2, c2 = layer
            d = s1.nrows()
            D1 = ident(d) if c1 is None else diag(c1)
            D2 = ident(d) if c2 is None else diag(c2)
            if k == 'L':
                # M2 M1 = [[I,0],[s2,D2]][[I,0],[s1,D1]] = [[I,0],[s2 + D2 s1, D2 D1]]
                shift = s2 + D2 * s1
                sc = D2 * D1
            else:
                # [[E2,s2],[0,I]][[E1,s1],[0,I]] = [[E2E1, E2 s1 + s2],[0,I]]
                shift = D2 * s1 + s2
                sc = D2 * D1
            scale = None
            if not is_identity(sc):
                scale = [sc[i, i] for i in range(d)]
            out.append((k, shift, scale))
        else:
            out.append(layer)
    # drop identity layers
    res = []
    for layer in out:
        k, s, c = layer
        if c is None and is_zero(s):
            continue
        res.append(layer)
    if len(res) != len(out):
        return merge(res)
    return res


def is_identity(m):
    for i in range(m.nrows()):
        for j in range(m.ncols()):
            if m[i, j] != (1 if i == j else 0):
                return False
    return True


def is_zero(m):
    for i in range(m.nrows()):
        for j in range(m.ncols()):
            if m[i, j] != 0:
                return False
    return True


def qbits(x):
    x = fmpq(x)
    return max(int(x.p).bit_length(), int(x.q).bit_length())


def mat_bits(m):
    b = 0
    for i in range(m.nrows()):
        for j in range(m.ncols()):
            v = m[i, j]
            if v != 0:
                bb = max(int(v.p).bit_length(), int(v.q).bit_length())
                if bb > b:
                    b = bb
    return b


def chain_bits(chain):
    b = 0
    for kind, s, c in chain:
        b = max(b, mat_bits(s))
        if c is not None:
            b = max(b, max(qbits(v) for v in c))
    return b


def inv(m):
    return m.inv()


def transpose(m):
    return m.transpose()


def perm_matrix(p):
    """Matrix P with P e_j = e_{p[j]}."""
    n = len(p)
    m = fmpq_mat(n, n)
    for j, i in enumerate(p):
        m[i, j] = 1
    return m


def ldu(t):
    """Unit lower L, diagonal list D, unit upper U with t = L diag(D) U; None if a
    leading principal minor vanishes. Plain elimination over Q (fine for research)."""
    n = t.nrows()
    a = fmpq_mat(t)
    L = ident(n)
    for k in range(n):
        p = a[k, k]
        if p == 0:
            return None
        for i in range(k + 1, n):
            f = a[i, k] / p
            if f != 0:
                L[i, k] = f
                for j in range(k, n):
                    a[i, j] = a[i, j] - f * a[k, j]
    D = [a[i, i] for i in range(n)]
    U = ident(n)
    for i in range(n):
        for j in range(i + 1, n):
            U[i, j] = a[i, j] / D[i]
    return L, D, U


def check(chain, t, d):
    return chain_apply(chain, ident(2 * d)) == t


def ldu_fast(t):
    """Recursive block LDU with flint kernels (same result as ldu); None if a leading minor vanishes."""
    n = t.nrows()
    if n == 1:
        if t[0, 0] == 0:
            return None
        return ident(1), [t[0, 0]], ident(1)
    m = n // 2
    A = block(t, 0, m, 0, m); B = block(t, 0, m, m, n)
    C = block(t, m, n, 0, m); Dm = block(t, m, n, m, n)
    fa = ldu_fast(A)
    if fa is None:
        return None
    La, Da, Ua = fa
    Ai = A.inv()
    S = Dm - C * Ai * B
    fs = ldu_fast(S)
    if fs is None:
        return None
    Ls, Ds, Us = fs
    L21 = C * Ai * La
    U12 = Ua * Ai * B
    L = assemble(La, zeros(m, n - m), L21, Ls)
    U = assemble(Ua, U12, zeros(n - m, m), Us)
    return L, Da + Ds, U


def precondition(T, ok, seed=1, attempts=16):
    """Find T' = U(-R2) L(-R1) T with ok(T') true (R1, R2 random in [-2, 2]); returns
    (T', suffix) where suffix (application order) = [U(R2), L(R1)] so T = suffix o T'.
    Returns (T, []) if ok(T) already."""
    if ok(T):
        return T, []
    import random as _r
    rng = _r.Random(seed)
    d = T.nrows() // 2
    for _ in range(attempts):
        R1 = fmpq_mat(d, d, [rng.randint(-2, 2) for _ in range(d * d)])
        R2 = fmpq_mat(d, d, [rng.randint(-2, 2) for _ in range(d * d)])
        Tp = Umat(-R2) * Lmat(-R1) * T
        if ok(Tp):
            return Tp, [('U', R2, None), ('L', R1, None)]
    return None, None


def leading_minors_nonzero(T):
    return ldu_fast(T) is not None


def merge_capped(chain, cap):
    """Merge consecutive same-kind layers only when the merged layer's bits stay <= cap.
    Unmerged same-kind neighbours are kept as separate layers."""
    out = []
    for layer in chain:
        if out and out[-1][0] == layer[0]:
            m = merge([out[-1], layer])
            if len(m) == 0:
                out.pop(); continue
            if len(m) == 1 and chain_bits(m) <= cap:
                out[-1] = m[0]; continue
        out.append(layer)
    return [l for l in out if not (l[2] is None and is_zero(l[1]))]
