"""Preconditioned five-layer core (idea): one left layer L(A0) makes T'21 = F = Ua^-1 D Ub^-1
upper triangular and R' = T11 F^-1 S = Lb^-1 D^-1 La^-1 lower triangular
(S^-1 = La Ua (LU), T11^-1 = Ub Lb (UL)).  Then the core needs U = N' E (upper), Lam = E R'
(lower) with no UL factorisation, but still the triangular eigenvectors of Omega Lam and
Delta U.  Measure their bits against the plain core's (Lam from UL factors of N and R)."""
import random
from lib import *
from crux import tri_eigvecs_lower


def ul(M):
    """M = U L (U unit upper, L lower) via LDU of the reversed matrix."""
    d = M.nrows()
    J = perm_matrix(list(range(d - 1, -1, -1)))
    f = ldu_fast(J * M * J)
    Lr, Dr, Ur = f
    U = J * Lr * J
    L = J * (diag(Dr) * Ur) * J
    return U, L


random.seed(9)
for d in (4, 8, 16):
    n = 2 * d
    T = rand_int_mat(n, n)
    T11, T12, T21, T22 = blocks(T)
    I = ident(d)
    ib = mat_bits(T.inv())
    S = T22 - T21 * T11.inv() * T12
    La, Da, Ua = ldu_fast(S.inv())        # S^-1 = La Da Ua
    Ub, Lb = ul(T11.inv())                # T11^-1 = Ub Lb
    F = Ua.inv() * diag([1 / x for x in Da]) * Ub.inv()   # upper; choose D = Da^-1 so R' = Lb^-1 Da La^-1
    A0 = (F - T21) * T11.inv()
    Tp = Lmat(A0) * T
    P11, P12, P21, P22 = blocks(Tp)
    Rp = P11 * P21.inv() * P22 - P12
    lower_ok = all(Rp[i, j] == 0 for i in range(d) for j in range(i + 1, d))
    upper_ok = all(P21[i, j] == 0 for i in range(d) for j in range(i))
    lam = [fmpq(i + 1) for i in range(d)]
    Om = diag([lam[i] / Rp[i, i] for i in range(d)])
    V1 = tri_eigvecs_lower(Om * Rp)
    # plain core for comparison: Lam = L_N^-1 L_R from UL factors of N = T21^-1 and R
    N = T21.inv(); R = T11 * N * T22 - T12
    UN, LN = ul(N); UR, LR = ul(R)
    Lam = LN.inv() * LR
    Om2 = diag([lam[i] / Lam[i, i] for i in range(d)])
    V2 = tri_eigvecs_lower(Om2 * Lam)
    print(d, "Tinv", ib, "| precond: T'21 upper", upper_ok, "R' lower", lower_ok, "R' bits", mat_bits(Rp),
          "eigvec bits", mat_bits(V1), "| plain core: Lam bits", mat_bits(Lam), "eigvec bits", mat_bits(V2), flush=True)
