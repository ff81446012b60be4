"""Probe: precondition T' = L(A0) T with T'21 = I (A0 = (I - T21) T11^-1); then R' = T11 S and
T' = U(X) L(A) U(Y) diag(G1, G2) for any factorisation R' = G1 G2.  Bits of X, A, Y for
G1 G2 = LU (G1 = L D lower, G2 = U upper) and UL."""
import random
from lib import *
random.seed(5)
for d in (4, 8, 16, 32):
    n = 2 * d
    T = rand_int_mat(n, n)
    T11, T12, T21, T22 = blocks(T)
    I = ident(d)
    A0 = (I - T21) * T11.inv()
    Tp = Lmat(A0) * T
    P11, P12, P21, P22 = blocks(Tp)
    assert P21 == I
    Rp = P11 * P22 - P12
    S = T22 - T21 * T11.inv() * T12
    assert Rp == T11 * S
    ib = mat_bits(T.inv())
    out = [d, "Tinv", ib, "A0", mat_bits(A0), "R'", mat_bits(Rp)]
    L, D, U = ldu(Rp)
    for name, G1, G2 in (("LU", L * diag(D), U),):
        Tpp = Tp * bdiag(G1.inv(), G2.inv())
        Q11, Q12, Q21, Q22 = blocks(Tpp)
        A = Q21
        Y = A.inv() * (Q22 - I)
        X = (Q11 - I) * A.inv()
        assert Umat(X) * Lmat(A) * Umat(Y) == Tpp
        out += [name, "X", mat_bits(X), "A", mat_bits(A), "Y", mat_bits(Y), "G1", mat_bits(G1), "G2", mat_bits(G2)]
    print(*out, flush=True)
