"""Padded L U L (application order) for split (p | a + K), a = n - p, and the four-layer
U L U L built on it (the first U is an ordinary layer on x, z = 0 then)."""
import numpy as np
from ex import *

def solve_right(A, B):
    """X with X A = B (A full row rank in the needed sense); exact; None if inconsistent."""
    # X A = B  <=>  A^T X^T = B^T
    At = A.transpose(); Bt = B.transpose()
    sol = solve_general(At, Bt)
    return None if sol is None else sol.transpose()

def solve_general(A, B):
    """One solution X of A X = B (any shape), or None."""
    r, c = A.nrows(), A.ncols()
    aug = blocks([[A, B]])
    R, rank = aug.rref()
    m = B.ncols()
    X = fmpq_mat(c, m)
    row = 0
    for i in range(rank):
        # pivot column of row i
        j = next(j for j in range(c + m) if R[i, j] != 0)
        if j >= c:
            return None
        for k in range(m):
            X[j, k] = R[i, c + k]
    return X

def padded_lul(T, K, p, E, Omega):
    """Layers L U L on split (p | n - p + K) realising [[T],[0]], given diagonal E (p)
    and Omega (a) with E S12 = -T12 Omega.  Returns chain or raises."""
    n = T.nrows(); a = n - p; q = a + K
    T11 = sub(T, 0, p, 0, p); T12 = sub(T, 0, p, p, n); T21 = sub(T, p, n, 0, p); T22 = sub(T, p, n, p, n)
    S = T.inv(); S12 = sub(S, 0, p, p, n)
    assert diag(E) * S12 == -(T12 * diag(Omega)), "condition (2) fails"
    Pi = [1 / w for w in Omega]
    D1x = [Q(1)] * a; D2x = Pi
    if K > 0:
        Cf = left_kernel(T12)
        if Cf is None:
            C = zeros(K, p); Bzz = zeros(p, K)
        else:
            Phi_rows = Cf * (T11 - diag(E))      # = H C T11 needed
            # rows of Phi_rows * T11^-1 must lie in a K-dim subspace: take C = basis
            W = Phi_rows * T11.inv()
            Rr, rk = W.rref()
            assert rk <= K, "rank condition (1') fails: %d > %d" % (rk, K)
            C = zeros(K, p)
            put(C, 0, 0, sub(Rr, 0, rk, 0, p)) if rk > 0 else None
            # H with H C T11 = Phi_rows
            H = solve_right(C * T11, Phi_rows)
            assert H is not None
            Bzz = solve_general(Cf, H)
            assert Bzz is not None
        A2z = C; A1z = -(C * T11); Bz = -Bzz
        Res = T11 - diag(E) - Bzz * C * T11
    else:
        Res = T11 - diag(E)
    X = solve_general(T12, Res)
    assert X is not None and T12 * X == Res
    A1x = X
    A2x = solve_right(blocks([[T11, T12]]), blocks([[T21 - diag(Pi) * X, T22 - diag(Pi)]]))
    assert A2x is not None, "A2x inconsistent"
    if K > 0:
        A1 = blocks([[A1x], [A1z]]); A2 = blocks([[A2x], [A2z]]); B = blocks([[T12, Bz]])
    else:
        A1, A2, B = A1x, A2x, T12
    return [L(A1, D1x + [1] * K), U(B, E), L(A2, D2x + [1] * K)]

def sylvester(A, Om, E, S22, RHS):
    """Solve A X Om - E X S22 = RHS for X (p x a), exact, via vectorisation."""
    p, a = RHS.nrows(), RHS.ncols()
    Mbig = fmpq_mat(p * a, p * a)
    for i in range(p):
        for j in range(a):
            row = i * a + j
            # (A X Om)_ij = sum_k A_ik X_kj Om_j
            for k in range(p):
                Mbig[row, k * a + j] += A[i, k] * Om[j]
            # (E X S22)_ij = E_i sum_l X_il S22_lj
            for l in range(a):
                Mbig[row, i * a + l] -= E[i] * S22[l, j]
    v = fmpq_mat(p * a, 1)
    for i in range(p):
        for j in range(a):
            v[i * a + j, 0] = RHS[i, j]
    if Mbig.det() == 0:
        return None
    x = Mbig.solve(v)
    X = fmpq_mat(p, a)
    for i in range(p):
        for j in range(a):
            X[i, j] = x[i * a + j, 0]
    return X

def four_ulul(T, K, p, E, Omega):
    """U0 (on x) then padded L U L.  T = T' U0 with T' = T U0^-1."""
    n = T.nrows(); a = n - p
    T11 = sub(T, 0, p, 0, p); T12 = sub(T, 0, p, p, n)
    S = T.inv(); S12 = sub(S, 0, p, p, n); S22 = sub(S, p, n, p, n)
    B0 = sylvester(T11, Omega, E, S22, diag(E) * S12 + T12 * diag(Omega))
    if B0 is None:
        return None
    U0inv = blocks([[eye(p), -B0], [zeros(a, p), eye(a)]])
    Tp = T * U0inv
    chain = padded_lul(Tp, K, p, E, Omega)
    B0pad = blocks([[B0, zeros(p, K)]]) if K > 0 else B0
    return [U(B0pad)] + chain

if __name__ == '__main__':
    rng = np.random.default_rng(7)
    for n in [2, 3, 4, 5, 6, 8]:
        for K in range(0, n + 1):
            if (n + K) % 2: continue
            p = (n + K) // 2
            if p > n: continue
            a = n - p
            T = rand_int_matrix(n, rng)
            E = [Q(i + 2) for i in range(p)]
            Om = [Q(-(j + 1)) for j in range(a)]
            try:
                ch = four_ulul(T, K, p, E, Om)
                ok = ch is not None and check_padded(ch, p, n + K - p, T)
                print(n, K, (p, n + K - p), 'ULUL ok' if ok else 'FAIL', 'bits', chain_bits(ch) if ch else None, 'T^-1', max_bits_mat(T.inv()))
            except AssertionError as e:
                print(n, K, (p, n + K - p), 'assert', e)
