"""Split (n | K): the chunked construction.

Theorem (split (n | K)).  With the split (x | padding), a chain of 2m + 1 layers
L U L ... U L (m upper layers; extra upper layers at the ends only rescale x) maps
[x; 0] to [T x; 0] iff T = E + F R with E diagonal invertible and rank(F R) <= m K,
i.e. iff min over diagonal E of rank(T - E) <= m K (and the partial products can be
kept invertible, which the construction arranges).  Construction (unit scales when
E = I, so positive mode and any sign of det T):

  T - E = F R (rank factorisation from the RREF of T - E), cut R into row chunks
  R_1..R_m of at most K rows (F into the matching column chunks F_1..F_m),
  X_0 = I, X_i = E + F_1 R_1 + ... + F_i R_i (= T for i = m), Z_0 = 0, Z_i = R_i:
    L(A_i) with A_i = (Z_i - Z_{i-1}) X_{i-1}^-1   (z <- z + A_i x: now z = Z_i x0)
    U(F_i, E_i), E_1 = E, E_i = I otherwise          (x <- E_i x + F_i z)
    L(A_{m+1}) with A_{m+1} = -Z_m T^-1              (z <- 0)
  (z has K coordinates; chunks with fewer rows leave padded coordinates unused.)
"""
import numpy as np
from ex import *


def rank_factor(Mt):
    R, rk = Mt.rref()
    n = Mt.nrows()
    piv = []
    for i in range(rk):
        piv.append(next(j for j in range(Mt.ncols()) if R[i, j] != 0))
    F = fmpq_mat(n, rk); Rr = fmpq_mat(rk, Mt.ncols())
    for t, j in enumerate(piv):
        for i in range(n):
            F[i, t] = Mt[i, j]
        for j2 in range(Mt.ncols()):
            Rr[t, j2] = R[t, j2]
    assert F * Rr == Mt
    return F, Rr


def chunked(T, K, E=None, rng=None, tries=20):
    n = T.nrows()
    E = [Q(1)] * n if E is None else E
    D = T - diag(E)
    if D == zeros(n, n):
        return [U(zeros(n, K), E)] if any(e != 1 for e in E) else []
    F, R = rank_factor(D)
    r = R.nrows()
    m = -(-r // K)
    for attempt in range(tries):
        if attempt > 0:
            # mix the rank factorisation with a random unit lower-triangular W
            W = eye(r)
            for i in range(r):
                for j in range(i):
                    W[i, j] = int(rng.integers(-1, 2))
            F, R = F * W.inv(), W * R
        chain = []
        X = eye(n); Zprev = zeros(K, n)
        ok = True
        for i in range(m):
            rows = list(range(i * K, min(r, (i + 1) * K)))
            Zi = zeros(K, n); Fi = zeros(n, K)
            for t, rr in enumerate(rows):
                for j in range(n):
                    Zi[t, j] = R[rr, j]
                    Fi[j, t] = F[j, rr]
            if X.det() == 0:
                ok = False; break
            Ai = (Zi - Zprev) * X.inv()
            chain.append(L(Ai))
            Ei = E if i == 0 else [Q(1)] * n
            chain.append(U(Fi, Ei))
            X = diag(Ei) * X + Fi * Zi
            Zprev = Zi
        if not ok:
            continue
        assert X == T
        chain.append(L(-(Zprev * T.inv())))
        return chain
    return None


def det_zero_E(T, rng, positive=False, tries=200):
    """A diagonal E with det(T - E) = 0 (rank(T - E) <= n - 1): det is affine in E_0."""
    n = T.nrows()
    for _ in range(tries):
        rest = [Q(int(rng.integers(1, 6)), int(rng.integers(1, 4))) * (1 if positive or rng.random() < 0.5 else -1) for _ in range(n - 1)]
        def d(e0):
            return (T - diag([e0] + rest)).det()
        d0, d1 = d(Q(0)), d(Q(1))
        slope = d1 - d0
        if slope == 0:
            continue
        e0 = -d0 / slope
        if e0 == 0 or (positive and e0 < 0):
            continue
        return [e0] + rest
    return None


if __name__ == '__main__':
    rng = np.random.default_rng(9)
    for n in [4, 8, 16]:
        T = rand_int_matrix(n, rng)
        for K in [1, 2, n // 2, n - 1, n]:
            ch = chunked(T, K, rng=rng)
            ok = check_padded(ch, n, K, T, positive=True)
            E = det_zero_E(T, rng)
            ch2 = chunked(T, K, E=E, rng=rng)
            ok2 = check_padded(ch2, n, K, T)
            print('n=%d K=%d unit: %d layers ok=%s bits %d | E: %d layers ok=%s bits %d | T^-1 bits %d' % (
                n, K, len(ch), ok, chain_bits(ch), len(ch2), ok2, chain_bits(ch2), max_bits_mat(T.inv())))
