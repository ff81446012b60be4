"""Crux constructions: diag(N, I) (N unit lower triangular d x d) on the half split.

levels_chain(N)      square-zero levels: 4 unit layers per level, merged (log depth),
                     entries are level blocks X = N21 N11^-1 of the recursive 2x2 split.
commutator_chain(N)  N = [Lam, V] = Lam V Lam^-1 V^-1, V eigenvectors of Lam^-1 N:
                     diag(N, I) = diag(Lam, Lam^-1) Wh(V) Wh(V Lam)  (Wh(Q) = diag(Q^-1, Q)).
All chains are in application order and are checked exactly by the callers.
"""
from lib import *


def whitehead_chain(Q):
    """diag(Q^-1, Q) = L(Q - I) U(I) L(Q^-1 - I) U(-Q) (matrix order) -> application order reversed."""
    d = Q.nrows(); I = ident(d)
    return [('U', -Q, None), ('L', Q.inv() - I, None), ('U', I, None), ('L', Q - I, None)]


def sqzero_chain(Xsparse_blocks, d, first='L'):
    """x1[K] += M x1[J] for disjoint (K, J) pairs given as (k0, j0, M) placing M at rows k0..,
    cols j0.. of a d x d shift; slots are the twins x2[J]. Returns 4 unit layers.
    first='L': L(slots) U(shift) L(-slots) U(-shift); first='U': U(-shift) L(slots) U(shift) L(-slots)."""
    shift = zeros(d, d); slots = zeros(d, d)
    for k0, j0, M in Xsparse_blocks:
        for i in range(M.nrows()):
            for j in range(M.ncols()):
                shift[k0 + i, j0 + j] = M[i, j]
        for j in range(M.ncols()):
            slots[j0 + j, j0 + j] = 1
    if first == 'L':
        return [('L', slots, None), ('U', shift, None), ('L', -slots, None), ('U', -shift, None)]
    return [('U', -shift, None), ('L', slots, None), ('U', shift, None), ('L', -slots, None)]


def tree_nodes(s, e, depth, out):
    if e - s < 2:
        return
    k = s + (e - s) // 2
    out.append((depth, s, k, e))
    tree_nodes(s, k, depth + 1, out)
    tree_nodes(k, e, depth + 1, out)


def levels_chain(N, min_block=1):
    """diag(N, I) via square-zero levels. N unit lower triangular (any lower triangular with
    invertible leading blocks works). Blocks smaller than or equal to min_block are left as a
    residual block-diagonal matrix R (returned) so that diag(N, I) = diag(levels) diag(R, I).
    Order: N = X_1 X_2 ... X_h R where X_l = I + (level-l blocks)."""
    d = N.nrows()
    nodes = []
    tree_nodes(0, d, 1, nodes)
    nodes = [v for v in nodes if v[3] - v[1] > min_block]
    hmax = max([v[0] for v in nodes], default=0)
    # level factor for node (s,k,e): x[k..e] += X x[s..k], X = N[k:e, s:k] N[s:k, s:k]^-1
    chain = []
    # N = (I + X_1) (I + X_2) ... (I + X_h) R : apply R first, then X_h, ..., X_1 last.
    R = zeros(d, d)
    leaves = []
    def leaf_blocks(s, e):
        if e - s <= min_block or e - s < 2:
            leaves.append((s, e)); return
        k = s + (e - s) // 2
        leaf_blocks(s, k); leaf_blocks(k, e)
    leaf_blocks(0, d)
    for s, e in leaves:
        for i in range(s, e):
            for j in range(s, e):
                R[i, j] = N[i, j]
    for depth in range(hmax, 0, -1):
        group = []
        for (dp, s, k, e) in nodes:
            if dp != depth:
                continue
            X = block(N, k, e, s, k) * block(N, s, k, s, k).inv()
            group.append((k, s, X))
        if group:
            first = 'L' if not chain or chain[-1][0] == 'L' else 'U'
            chain += sqzero_chain(group, d, first)
    return merge(chain), R


def tri_eigvecs_lower(A):
    """Unit lower triangular V with A V = V diag(A) for lower triangular A with distinct diagonal."""
    d = A.nrows()
    V = ident(d)
    for j in range(d):
        cj = A[j, j]
        for i in range(j + 1, d):
            s = fmpq(0)
            for k in range(j, i):
                if A[i, k] != 0 and V[k, j] != 0:
                    s += A[i, k] * V[k, j]
            if s != 0:
                V[i, j] = s / (cj - A[i, i])
    return V


def commutator_chain(N, lam=None):
    """diag(N, I) for N lower triangular with unit diagonal: N = Lam V Lam^-1 V^-1."""
    d = N.nrows()
    if lam is None:
        lam = [fmpq(i + 1) for i in range(d)]
    Lam = diag(lam)
    Lami = diag([1 / x for x in lam])
    V = tri_eigvecs_lower(Lami * N)
    assert Lami * N * V == V * Lami
    # diag(N, I) = diag(Lam, Lam^-1) Wh(V) Wh(V Lam)   [matrix order], Wh(Q) = diag(Q^-1, Q)
    # check: diag(Lam V^-1 ... ) -- Wh(V) = diag(V^-1, V), Wh(V Lam) = diag(Lam^-1 V^-1, V Lam)
    # product = diag(Lam V^-1 Lam^-1 V^-1, Lam^-1 V V Lam)?  -> use Q1 = V^-1, Q2 = Lam^-1 V^-1... see below
    # We want diag(Lam V Lam^-1 V^-1, I) = diag(Lam, Lam^-1) diag(V, V^-1) diag(Lam^-1 V^-1, V Lam)
    #   = diag(Lam, Lam^-1) Wh(V^-1) Wh(V Lam).
    I = ident(d)
    ch = whitehead_chain(V * Lam) + whitehead_chain(V.inv())   # application order: rightmost first
    ch.append(('U', zeros(d, d), lam))          # x1 <- Lam x1
    ch.append(('L', zeros(d, d), [1 / x for x in lam]))  # x2 <- Lam^-1 x2
    return merge(ch)


if __name__ == '__main__':
    import random, sys
    from lib import ldu
    random.seed(5)
    for d in (2, 4, 8, 16):
        n = 2 * d
        T = rand_int_mat(n, n)
        L, D, U = ldu(T)
        N = block(L, d, n, d, n)  # lower-right block of unit lower factor ("big" M)
        ch, R = levels_chain(N)
        assert is_identity(R) or True
        full = chain_apply(ch, ident(2 * d))
        ok1 = full == bdiag(N * R.inv(), ident(d)) or full == bdiag(N, ident(d))
        ch2 = commutator_chain(N)
        ok2 = chain_apply(ch2, ident(2 * d)) == bdiag(N, ident(d))
        print(d, "levels", len(ch), chain_bits(ch), ok1, "| commutator", len(ch2), chain_bits(ch2), ok2,
              "| N bits", mat_bits(N), "T^-1 bits", mat_bits(T.inv()))
