"""Parallel square-zero level crux, efficient version (per-node block arithmetic).

Lemma (conjugated Whitehead, CW). For invertible Q, W (d x d), in matrix order:
  (A) L(W(Q - I)) U(W^-1) L(W(Q^-1 - I)) U(-Q W^-1)     = diag(Q^-1, W Q W^-1)
  (B) U((Q^-1 - I) W^-1) L(W) U((Q - I) W^-1) L(-W Q^-1) = diag(Q^-1, W Q W^-1)
With Q = I - X (X square-zero, a tree level op on x1) and W X W^-1 = -Y (Y a level op on x2)
the gadget is diag(I + X, I + Y).  For level ops with blocks X_r: J1 -> K1, Y_r: J2 -> K2
(|J1| = |K1| = |J2| = |K2| = d/2), W maps J1 -> J2 by W_J and K1 -> K2 by W_K with
W_K X_r = -Y_r W_J:   'xy': W_J = X_r, W_K = -Y_r;   'id': W_J = I, W_K = -Y_r X_r^-1.
"""
from lib import *
from crux import tree_nodes


def level_data(M, lower):
    """Per depth in APPLICATION order: list of (J, K, B) index ranges and block, nice convention."""
    d = M.nrows()
    nodes = []
    tree_nodes(0, d, 1, nodes)
    hmax = max([v[0] for v in nodes], default=0)
    depths = range(hmax, 0, -1) if lower else range(1, hmax + 1)
    out = []
    for depth in depths:
        g = []
        for (dp, s, k, e) in nodes:
            if dp != depth:
                continue
            if lower:   # x[k:e] += B x[s:k]
                g.append(((s, k), (k, e), block(M, k, e, s, k) * block(M, s, k, s, k).inv()))
            else:       # x[s:k] += B x[k:e]
                g.append(((k, e), (s, k), block(M, s, k, s, k).inv() * block(M, s, k, k, e)))
        out.append(g)
    return out


def _bd(parts, d):
    """Assemble a d x d matrix from (row0, col0, block) parts."""
    m = zeros(d, d)
    for r0, c0, b in parts:
        for i in range(b.nrows()):
            for j in range(b.ncols()):
                v = b[i, j]
                if v != 0:
                    m[r0 + i, c0 + j] = v
    return m


def gadget_mats(lv1, lv2, d, choice):
    """X (x1 op), W, W^-1 for one depth pair. Pairs node blocks in order (equal block sizes
    required; true for d a power of two)."""
    Xp, Wp, Wip = [], [], []
    # flatten J/K index lists with blocks; pair node by node when sizes agree, else general
    # phi = order-preserving map K1 -> J2 (node blocks line up when d is a power of two).
    n1 = [(J, K, B) for (J, K, B) in lv1]
    n2 = [(J, K, B) for (J, K, B) in lv2]
    # expand both to "segments" of the global J/K index sequences
    J1 = [i for (J, K, B) in n1 for i in range(*J)]
    K1 = [i for (J, K, B) in n1 for i in range(*K)]
    J2 = [i for (J, K, B) in n2 for i in range(*J)]
    K2 = [i for (J, K, B) in n2 for i in range(*K)]
    assert len(J1) == len(K1) == len(J2) == len(K2)
    bx = [B for (_, _, B) in n1]
    by = [B for (_, _, B) in n2]
    Xr = _blockdiag(bx)
    Yr = _blockdiag(by)
    if choice == 'xy':
        WJ, WK = Xr, -Yr
        WJi = _blockdiag([b.inv() for b in bx])
        WKi = -_blockdiag([b.inv() for b in by])
    else:
        WJ = ident(len(J1)); WJi = WJ
        Xri = _blockdiag([b.inv() for b in bx]); Yri = _blockdiag([b.inv() for b in by])
        WK = -(Yr * Xri)
        WKi = -(Xr * Yri)
    X = _scatter(Xr, K1, J1, d)
    W = _scatter(WJ, J2, J1, d) + _scatter(WK, K2, K1, d)
    Wi = _scatter(WJi, J1, J2, d) + _scatter(WKi, K1, K2, d)
    return X, W, Wi


def _blockdiag(bs):
    n = sum(b.nrows() for b in bs)
    m = zeros(n, n)
    o = 0
    for b in bs:
        for i in range(b.nrows()):
            for j in range(b.ncols()):
                m[o + i, o + j] = b[i, j]
        o += b.nrows()
    return m


def _scatter(M, rows, cols, d):
    out = zeros(d, d)
    for a, i in enumerate(rows):
        for b, j in enumerate(cols):
            v = M[a, b]
            if v != 0:
                out[i, j] = v
    return out


def gadget_layers(X, W, Wi, orient, d):
    I = ident(d)
    Q = I - X
    Qi = I + X
    if orient == 0:
        return [('U', -(Q * Wi), None), ('L', W * (Qi - I), None), ('U', Wi, None), ('L', W * (Q - I), None)]
    return [('L', -(W * Qi), None), ('U', (Q - I) * Wi, None), ('L', W, None), ('U', (Qi - I) * Wi, None)]


def crux_gadgets(N1, lower1, N2, lower2, choice='xy'):
    d = N1.nrows()
    g1 = level_data(N1, lower1)
    g2 = level_data(N2, lower2)
    return [gadget_mats(a, b, d, choice) for a, b in zip(g1, g2)]


def crux_chain(gadgets, d, first_orient=0, alternate=True):
    ch = []
    for i, (X, W, Wi) in enumerate(gadgets):
        o = (first_orient + i) % 2 if alternate else first_orient
        ch += gadget_layers(X, W, Wi, o, d)
    return ch


if __name__ == '__main__':
    import random
    random.seed(7)
    for d in (2, 4, 8, 16):
        n = 2 * d
        T = rand_int_mat(n, n)
        L, D, U = ldu(T)
        La, Ub = block(L, 0, d, 0, d), block(U, d, n, d, n)
        gs = crux_gadgets(La, True, Ub, False)
        for alt in (True, False):
            ch = merge(crux_chain(gs, d, 0, alt))
            print(d, alt, len(ch), chain_bits(ch), chain_apply(ch, ident(n)) == bdiag(La, Ub))
