"""Three layers (L U L) for split (n-1 | K+1), K >= n-2, signed mode: exact test."""
import numpy as np
from ex import *

def three_a1(T, K, Omega=Q(1)):
    n = T.nrows(); p = n - 1; q = 1 + K
    assert K >= p - 1
    T11 = sub(T, 0, p, 0, p); t = sub(T, 0, p, p, n); T21 = sub(T, p, n, 0, p); T22 = T[p, p]
    S = T.inv(); s = sub(S, 0, p, p, n)
    E = [-Omega * t[i, 0] / s[i, 0] for i in range(p)]
    Pi = 1 / Omega
    Cf = left_kernel(t)            # (p-1) x p
    C = blocks([[Cf], [zeros(K - (p - 1), p)]]) if K > p - 1 else Cf
    A2z = C; A1z = -(C * T11)
    # G Cf T11 = Cf (T11 - E)
    CT = Cf * T11
    Rinv = CT.transpose() * (CT * CT.transpose()).inv()
    G = Cf * (T11 - diag(E)) * Rinv
    assert G * CT == Cf * (T11 - diag(E)), "Phi condition fails"
    Cr = Cf.transpose() * (Cf * Cf.transpose()).inv()
    Y = Cr * G
    Bzz = blocks([[Y, zeros(p, K - (p - 1))]]) if K > p - 1 else Y
    Bz = -Bzz
    Res = T11 - diag(E) - Bzz * C * T11
    i = next(i for i in range(p) if t[i, 0] != 0)
    X = sub(Res, i, i + 1, 0, p) * (1 / t[i, 0])
    assert t * X == Res
    A1x = X
    A2x = (T21 - X * Pi) * T11.inv()
    assert (A2x * t)[0, 0] == T22 - Pi
    A1 = blocks([[A1x], [A1z]]); A2 = blocks([[A2x], [A2z]])
    B = blocks([[t, Bz]])
    chain = [L(A1), U(B, E), L(A2, [Pi] + [1] * K)]
    return chain, p, q

rng = np.random.default_rng(5)
for n in range(3, 9):
    for K in range(n - 2, n + 1):
        T = rand_int_matrix(n, rng)
        ch, p, q = three_a1(T, K)
        print(n, K, (p, q), check_padded(ch, p, q, T), 'bits', chain_bits(ch), 'T^-1 bits', max_bits_mat(T.inv()))
