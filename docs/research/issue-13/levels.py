"""Log-depth frontier: LDU + square-zero levels with a Whitehead reduction (one crux per factor).

T = L D U (all leading principal minors nonzero).  With La, Lb, Ua, Ub the diagonal blocks,
X0 = L21 La^-1, Y0 = Ua^-1 U12:
  T = L(X0) . diag(La Lb, I) . Wh(Lb) . D . Wh(Ub) . diag(Ub Ua, I) . U(Y0)        (matrix order)
with Wh(Q) = diag(Q^-1, Q) (four unit layers).  diag(M, I) for unit triangular M is built from
square-zero levels (four unit layers per tree depth, consecutive depths share a merged layer).
"""
import sys, time, random
from lib import *
from crux import whitehead_chain, sqzero_chain, tree_nodes


def levels_ops(M, lower=True, min_block=1):
    """List of groups (one per depth, order of APPLICATION) of (k0, j0, X) ops x[k0..] += X x[j0..]
    with M = prod_{depth 1..h} (I + E_depth) * R  (top depth leftmost), R = leaf-block diagonal.
    Returns (groups_in_application_order, R)."""
    d = M.nrows()
    nodes = []
    tree_nodes(0, d, 1, nodes)
    nodes = [v for v in nodes if v[3] - v[1] > min_block]
    hmax = max([v[0] for v in nodes], default=0)
    groups = []
    for depth in range(hmax, 0, -1):  # deepest first: applied first
        g = []
        for (dp, s, k, e) in nodes:
            if dp != depth:
                continue
            if lower:
                X = block(M, k, e, s, k) * block(M, s, k, s, k).inv()
                g.append((k, s, X))
            else:
                Y = block(M, s, k, k, e) * block(M, k, e, k, e).inv()
                g.append((s, k, Y))
        groups.append(g)
    # residual leaf blocks
    R = zeros(d, d)
    def leaves(s, e):
        if e - s <= min_block or e - s < 2:
            for i in range(s, e):
                for j in range(s, e):
                    R[i, j] = M[i, j]
            return
        k = s + (e - s) // 2
        leaves(s, k); leaves(k, e)
    leaves(0, d)
    return groups, R


def ops_chain(groups, d, start_kind=None):
    chain = []
    for g in groups:
        if not g:
            continue
        last = chain[-1][0] if chain else start_kind
        first = 'L' if last in (None, 'L') else 'U'
        chain += sqzero_chain(g, d, first)
    return chain


def crux_levels(M, lower, start_kind=None):
    d = M.nrows()
    groups, R = levels_ops(M, lower)
    assert is_identity(R)
    return ops_chain(groups, d, start_kind)


def compact_levels(T):
    n = T.nrows(); d = n // 2
    f = ldu(T)
    if f is None:
        return None
    L, D, U = f
    La, Lb = block(L, 0, d, 0, d), block(L, d, n, d, n)
    Ua, Ub = block(U, 0, d, 0, d), block(U, d, n, d, n)
    X0 = block(L, d, n, 0, d) * La.inv()
    Y0 = Ua.inv() * block(U, 0, d, d, n)
    ML = La * Lb
    MU = Ub * Ua
    # application order: U(Y0), diag(MU, I), Wh(Ub), D, Wh(Lb), diag(ML, I), L(X0)
    ch = [('U', Y0, None)]
    ch += crux_levels(MU, lower=False, start_kind='U')
    ch += whitehead_chain(Ub)
    ch += [('U', zeros(d, d), D[:d]), ('L', zeros(d, d), D[d:])]
    ch += whitehead_chain(Lb)
    ch += crux_levels(ML, lower=True, start_kind=ch[-1][0])
    ch += [('L', X0, None)]
    return merge(ch)


if __name__ == '__main__':
    sizes = [int(a) for a in sys.argv[1:]] or [4, 8, 16, 32, 64]
    random.seed(2026)
    print("n layers bits inv_bits ratio ok time")
    for n in sizes:
        T = rand_int_mat(n, n)
        t0 = time.time()
        ch = compact_levels(T)
        t1 = time.time()
        ok = chain_apply(ch, ident(n)) == T
        ib = mat_bits(T.inv())
        b = chain_bits(ch)
        print(n, len(ch), b, ib, round(b / ib, 2), ok, round(t1 - t0, 2))
