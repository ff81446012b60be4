"""Parallel square-zero levels: one conjugated Whitehead per tree depth does a level op on x1
AND a level op on x2 at once.

Lemma (conjugated Whitehead). For invertible Q, W:
    L(W(Q - I)) U(W^-1) L(W(Q^-1 - I)) U(-Q W^-1) = diag(Q^-1, W Q W^-1)      (matrix order).
With Q = I - X (X square-zero on x1) and W X W^-1 = -Y (Y square-zero on x2) this is
diag(I + X, I + Y).  For level ops X = iota_K1 X' pi_J1, Y = iota_K2 Y' pi_J2 (blocks of equal
size), W maps J1 -> J2 by W_J and K1 -> K2 by W_K with  W_K X' = -Y' W_J.
Choices: 'xy'  : W_J = X', W_K = -Y'           (W^-1 needs X'^-1, Y'^-1)
         'id'  : W_J = I,  W_K = -Y' X'^-1      (W^-1 needs X' Y'^-1)
"""
from lib import *
from crux import tree_nodes


def level_groups(M, lower):
    """Level blocks of a unit triangular M, per depth, in APPLICATION order, with the nice
    (common-denominator) blocks:
      lower: M = (I + X_1) ... (I + X_h), X = M[k:e, s:k] M[s:k, s:k]^-1, applied deepest first;
      upper: M = (I + Y_h) ... (I + Y_1), Y = M[s:k, s:k]^-1 M[s:k, k:e], applied top first.
    Entries (s, k, e, Blk): lower x[k:e] += Blk x[s:k]; upper x[s:k] += Blk x[k:e]."""
    d = M.nrows()
    nodes = []
    tree_nodes(0, d, 1, nodes)
    hmax = max([v[0] for v in nodes], default=0)
    out = []
    depths = range(hmax, 0, -1) if lower else range(1, hmax + 1)
    for depth in depths:
        g = []
        for (dp, s, k, e) in nodes:
            if dp != depth:
                continue
            if lower:
                g.append((s, k, e, block(M, k, e, s, k) * block(M, s, k, s, k).inv()))
            else:
                g.append((s, k, e, block(M, s, k, s, k).inv() * block(M, s, k, k, e)))
        out.append(g)
    return out


def place(mat, blk, r0, c0):
    for i in range(blk.nrows()):
        for j in range(blk.ncols()):
            mat[r0 + i, c0 + j] = blk[i, j]


def parallel_crux(N1, lower1, N2, lower2, choice='xy', first_orient=0, do_merge=True, alternate=True):
    """Chain (application order) for diag(N1, N2), N1, N2 unit triangular d x d (d a power of 2),
    levels of both done together."""
    d = N1.nrows()
    g1 = level_groups(N1, lower1)
    g2 = level_groups(N2, lower2)
    I = ident(d)
    chain = []
    for gi, (lv1, lv2) in enumerate(zip(g1, g2)):
        X = zeros(d, d); Y = zeros(d, d); W = zeros(d, d)
        J1 = []; K1 = []; J2 = []; K2 = []
        Xbd_rows = []
        for (s, k, e, Xb) in lv1:
            jj, kk = (list(range(s, k)), list(range(k, e))) if lower1 else (list(range(k, e)), list(range(s, k)))
            place(X, Xb, kk[0], jj[0]); J1 += jj; K1 += kk
        for (s, k, e, Yb) in lv2:
            jj, kk = (list(range(s, k)), list(range(k, e))) if lower2 else (list(range(k, e)), list(range(s, k)))
            place(Y, Yb, kk[0], jj[0]); J2 += jj; K2 += kk
        # X restricted J1 -> K1 and Y restricted J2 -> K2 as |K| x |J| matrices
        Xr = fmpq_mat(len(K1), len(J1)); Yr = fmpq_mat(len(K2), len(J2))
        for a, i in enumerate(K1):
            for b, j in enumerate(J1):
                Xr[a, b] = X[i, j]
        for a, i in enumerate(K2):
            for b, j in enumerate(J2):
                Yr[a, b] = Y[i, j]
        # phi: K1-space -> J2-space (index order); W_J = phi X (J1 -> J2), W_K = -Y phi (K1 -> K2)
        if choice == 'xy':
            WJ, WK = Xr, -Yr
        else:
            WJ, WK = ident(len(J1)), -(Yr * Xr.inv())
        for a, i in enumerate(J2):
            for b, j in enumerate(J1):
                W[i, j] = WJ[a, b]
        for a, i in enumerate(K2):
            for b, j in enumerate(K1):
                W[i, j] = WK[a, b]
        assert W * X == -(Y * W)
        Wi = W.inv()
        Q = I - X
        # matrix order: L(W(Q-I)) U(W^-1) L(W(Q^-1 - I)) U(-Q W^-1); application order reversed
        orient = (gi + first_orient) % 2 if alternate else first_orient
        if orient == 0:
            # matrix order L(W(Q-I)) U(W^-1) L(W(Q^-1-I)) U(-Q W^-1)
            lay = [('U', -(Q * Wi), None), ('L', W * X, None), ('U', Wi, None), ('L', -(W * X), None)]
        else:
            # mirror: matrix order U((Q^-1 - I) W^-1) L(W) U((Q - I) W^-1) L(-W Q^-1)
            Qi = Q.inv()
            lay = [('L', -(W * Qi), None), ('U', (Q - I) * Wi, None), ('L', W, None), ('U', (Qi - I) * Wi, None)]
        # sanity: the gadget is diag(I + X, I + Y)
        chain += lay
    return merge(chain) if do_merge else chain


if __name__ == '__main__':
    import random, sys
    random.seed(7)
    for d in (2, 4, 8, 16):
        n = 2 * d
        T = rand_int_mat(n, n)
        L, D, U = ldu(T)
        La, Lb = block(L, 0, d, 0, d), block(L, d, n, d, n)
        Ua, Ub = block(U, 0, d, 0, d), block(U, d, n, d, n)
        for (N1, l1, N2, l2, name) in ((La, True, Lb, True, 'low/low'), (Ua, False, Lb, True, 'up/low')):
            for ch_ in ('xy', 'id'):
                ch = parallel_crux(N1, l1, N2, l2, ch_)
                ok = chain_apply(ch, ident(n)) == bdiag(N1, N2)
                print(d, name, ch_, len(ch), chain_bits(ch), "N bits", max(mat_bits(N1), mat_bits(N2)),
                      "Tinv", mat_bits(T.inv()), ok)
