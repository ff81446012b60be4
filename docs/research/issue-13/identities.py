"""Verify the basic block identities used by every construction (exact, random d)."""
import random, sys
from lib import *

def rnd(d, lo=-5, hi=5):
    return rand_int_mat(d, d, lo, hi)

def check_all(d, seed):
    random.seed(seed)
    I = ident(d)
    Q = rnd(d)
    while Q.rank() < d:
        Q = rnd(d)
    Qi = Q.inv()
    # (1) diag(Q^-1, Q) = L(Q - I) U(I) L(Q^-1 - I) U(-Q)  [matrix product order]
    lhs = bdiag(Qi, Q)
    rhs = Lmat(Q - I) * Umat(I) * Lmat(Qi - I) * Umat(-Q)
    ok1 = lhs == rhs
    # as a chain in application order: U(-Q), L(Q^-1 - I), U(I), L(Q - I)
    ch = [('U', -Q, None), ('L', Qi - I, None), ('U', I, None), ('L', Q - I, None)]
    ok1b = chain_apply(ch, ident(2 * d)) == lhs
    # (2) square-zero gadget: application order L(P), U(Q), L(-P), U(-Q) = diag(I + Q P, I) when P Q = 0
    r = d // 2
    P = zeros(d, d); Qm = zeros(d, d)
    # X = U V with V U = 0: U = d x r, V = r x d
    Uu = rand_int_mat(d, r); Vv = rand_int_mat(r, d)
    # make V U = 0 by projecting: V <- V (I - U (U^T U)^-1 U^T) scaled
    Ut = Uu.transpose()
    proj = I - Uu * (Ut * Uu).inv() * Ut
    Vv = Vv * proj
    for i in range(r):
        for j in range(d):
            P[i, j] = Vv[i, j]
    for i in range(d):
        for j in range(r):
            Qm[i, j] = Uu[i, j]
    assert is_zero(P * Qm)
    ch2 = [('L', P, None), ('U', Qm, None), ('L', -P, None), ('U', -Qm, None)]
    ok2 = chain_apply(ch2, ident(2 * d)) == bdiag(I + Qm * P, I)
    # (3) T = U(X) L(T21 G^-1) U(Y) diag(G, I), G = (T11 T21^-1 T22 - T12) T21
    T = rand_int_mat(2 * d, 2 * d, -9, 9)
    T11, T12, T21, T22 = blocks(T)
    R = T11 * T21.inv() * T22 - T12
    G = R * T21
    A = T21 * G.inv()
    Y = G * T21.inv() * (T22 - I)
    X = T11 * T21.inv() - G * T21.inv()
    ok3 = Umat(X) * Lmat(A) * Umat(Y) * bdiag(G, I) == T
    # (4) block LDU: T = L(T21 T11^-1) diag(T11, S) U(T11^-1 T12)
    S = T22 - T21 * T11.inv() * T12
    ok4 = Lmat(T21 * T11.inv()) * bdiag(T11, S) * Umat(T11.inv() * T12) == T
    # (5) rotation [[0,-I],[I,0]] = U(-I) L(I) U(-I)
    J = assemble(zeros(d, d), -I, I, zeros(d, d))
    ok5 = Umat(-I) * Lmat(I) * Umat(-I) == J
    return ok1, ok1b, ok2, ok3, ok4, ok5

if __name__ == '__main__':
    for d in (1, 2, 3, 4, 5, 8):
        for s in range(3):
            r = check_all(d, 100 * d + s)
            assert all(r), (d, s, r)
    print("identities: all ok")


def check_compact_lemmas(d, seed):
    """The block identities the recommended `compact` construction uses (see REPORT.md)."""
    random.seed(seed)
    I = ident(d); n = 2 * d
    def inv_rand(lo=-5, hi=5):
        Q = rnd(d, lo, hi)
        while Q.rank() < d:
            Q = rnd(d, lo, hi)
        return Q
    Q, W = inv_rand(), inv_rand()
    Qi, Wi = Q.inv(), W.inv()
    target = bdiag(Qi, W * Q * Wi)
    # (CW-A) L(W(Q-I)) U(W^-1) L(W(Q^-1-I)) U(-Q W^-1) = diag(Q^-1, W Q W^-1)
    ok_cwa = Lmat(W * (Q - I)) * Umat(Wi) * Lmat(W * (Qi - I)) * Umat(-(Q * Wi)) == target
    # (CW-B) U((Q^-1-I) W^-1) L(W) U((Q-I) W^-1) L(-W Q^-1) = diag(Q^-1, W Q W^-1)
    ok_cwb = Umat((Qi - I) * Wi) * Lmat(W) * Umat((Q - I) * Wi) * Lmat(-(W * Qi)) == target
    # (F) diag(L D U, I) = diag(L, U) diag(D, I) diag(U, U^-1)
    G = inv_rand(-9, 9)
    f = ldu(G)
    ok_f = True
    if f is not None:
        Lg, Dg, Ug = f
        ok_f = bdiag(G, I) == bdiag(Lg, Ug) * bdiag(diag(Dg), I) * bdiag(Ug, Ug.inv())
    # (S) diag(S, I) diag(U, U^-1) = diag(Sa, Sb) diag(Sb U, Sb U^-1), S = Sa Sb, P Sa P = Sb
    if d >= 2:
        Sa = ident(d); Sb = ident(d); P = ident(d)
        Sa[0, 0] = -1; Sb[d - 1, d - 1] = -1
        P[0, 0] = 0; P[d - 1, d - 1] = 0; P[0, d - 1] = 1; P[d - 1, 0] = 1
        U = ident(d)
        for i in range(d):
            for j in range(i + 1, d):
                U[i, j] = random.randint(-5, 5)
        lhs = bdiag(Sa * Sb, I) * bdiag(U, U.inv())
        rhs = bdiag(Sa, Sb) * bdiag(Sb * U, Sb * U.inv())
        ok_s = lhs == rhs and P * Sa * P == Sb
    else:
        ok_s = True
    # (PC) square-zero level ops X (x1: J -> K) and Y (x2), W_K X_r = -Y_r W_J => W X W^-1 = -Y
    if d >= 2 and d % 2 == 0:
        m = d // 2
        Xr = inv_rand_m(m); Yr = inv_rand_m(m)
        X = assemble(zeros(m, m), zeros(m, m), Xr, zeros(m, m))          # lower: K <- J
        Y = assemble(zeros(m, m), Yr, zeros(m, m), zeros(m, m))          # upper: J <- K
        # x1: J1 = first half, K1 = second; x2: J2 = second half, K2 = first (upper op)
        Wm = assemble(zeros(m, m), -Yr, Xr, zeros(m, m))                 # W_J: J1 -> J2 = Xr, W_K: K1 -> K2 = -Yr
        ok_pc = Wm * X * Wm.inv() == -Y
        Qx = I - X
        g = Lmat(Wm * (Qx - I)) * Umat(Wm.inv()) * Lmat(Wm * (Qx.inv() - I)) * Umat(-(Qx * Wm.inv()))
        ok_pc = ok_pc and g == bdiag(I + X, I + Y)
    else:
        ok_pc = True
    # (G) T = U(X) L(A) U(Y) diag(G, I), A = R^-1, X = T11 T21^-1 - R, Y = R (T22 - I)
    T = rand_int_mat(n, n, -9, 9)
    T11, T12, T21, T22 = blocks(T)
    ok_g = True
    if T21.rank() == d:
        R = T11 * T21.inv() * T22 - T12
        ok_g = Umat(T11 * T21.inv() - R) * Lmat(R.inv()) * Umat(R * (T22 - I)) * bdiag(R * T21, I) == T
    # (LV) level factorisations: lower M = prod (I + X_depth) deepest applied first with
    # X = M[k:e,s:k] M[s:k,s:k]^-1; upper M = prod (I + Y_depth) top applied first with
    # Y = M[s:k,s:k]^-1 M[s:k,k:e]
    from parallel2 import level_data
    from compact import level_blocks_invertible
    ok_lv = True
    if f is not None:
        for M, lower in ((f[0], True), (f[2], False)):
            P = ident(d)
            for g_ in level_data(M, lower):
                F = ident(d)
                for (J, K, B) in g_:
                    for a, i in enumerate(range(*K)):
                        for b, j in enumerate(range(*J)):
                            F[i, j] = B[a, b]
                P = F * P            # application order: later factors on the left
            ok_lv = ok_lv and P == M
    return ok_cwa, ok_cwb, ok_f, ok_s, ok_pc, ok_g, ok_lv


def inv_rand_m(m):
    Q = rand_int_mat(m, m, -5, 5)
    while Q.rank() < m:
        Q = rand_int_mat(m, m, -5, 5)
    return Q


if __name__ == '__main__':
    for d in (1, 2, 3, 4, 6, 8):
        for s in range(3):
            r = check_compact_lemmas(d, 1000 * d + s)
            assert all(r), (d, s, r)
    print("compact lemmas (CW-A, CW-B, F, S, PC, G, LV): all ok")
