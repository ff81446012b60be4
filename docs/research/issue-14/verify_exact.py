"""Exact (python-flint fmpq_mat) checks of the block identities, d = 1..4, random rationals."""
import random
import flint
Q_ = flint.fmpq_mat

def rnd(d, rng):
    return Q_(d, d, [flint.fmpq(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(d * d)])

def eye(d):
    m = Q_(d, d)
    for i in range(d): m[i, i] = 1
    return m

def diagm(v):
    d = len(v); m = Q_(d, d)
    for i in range(d): m[i, i] = v[i]
    return m

def block(a, b, c, e):
    d = a.nrows(); m = Q_(2 * d, 2 * d)
    for i in range(d):
        for j in range(d):
            m[i, j], m[i, j + d], m[i + d, j], m[i + d, j + d] = a[i, j], b[i, j], c[i, j], e[i, j]
    return m

L = lambda A, D=None: block(eye(A.nrows()), Q_(A.nrows(), A.nrows()), A, D if D is not None else eye(A.nrows()))
U = lambda B, E=None: block(E if E is not None else eye(B.nrows()), B, Q_(B.nrows(), B.nrows()), eye(B.nrows()))
rng = random.Random(1)
ok = True
for d in range(1, 5):
    I = eye(d); Z0 = Q_(d, d)
    for trial in range(5):
        Qm = rnd(d, rng)
        if Qm.det() == 0: continue
        Qi = Qm.inv()
        ok &= block(Qi, Z0, Z0, Qm) == L(Qm - I) * U(I) * L(Qi - I) * U(-Qm)
        W = block(rnd(d, rng), rnd(d, rng), rnd(d, rng), rnd(d, rng))
        W11 = Q_([[W[i, j] for j in range(d)] for i in range(d)]); W12 = Q_([[W[i, j + d] for j in range(d)] for i in range(d)])
        W21 = Q_([[W[i + d, j] for j in range(d)] for i in range(d)]); W22 = Q_([[W[i + d, j + d] for j in range(d)] for i in range(d)])
        Y = rnd(d, rng)
        if W21.det() == 0 or Y.det() == 0 or W.det() == 0: continue
        R = W11 * W21.inv() * W22 - W12
        B = Y * R; A = Y.inv() * W21
        X = W11 * W21.inv() - Y.inv(); Zm = Y.inv() * (W22 * B.inv() - I)
        ok &= W == U(X) * L(Y) * U(Zm) * block(A, Z0, Z0, B)
        # 4-layer blocks: M = V diag(phi) V^-1, t, lambda arbitrary (phi/t != 0, 1)
        V = rnd(d, rng)
        if V.det() == 0: continue
        Vi = V.inv()
        phi = [flint.fmpq(rng.choice([-3, -2, -1, 1, 2, 3]), rng.randint(1, 3)) for _ in range(d)]
        t = flint.fmpq(7, 1); lam = [flint.fmpq(rng.randint(1, 4), rng.randint(1, 3)) for _ in range(d)]
        ph = [p / t for p in phi]
        M = V * diagm(phi) * Vi
        E2 = [(1 - p) / l for p, l in zip(ph, lam)]; E1 = [l * p / (1 - p) for p, l in zip(ph, lam)]
        ulul = U(-diagm([e * l / f for e, l, f in zip(E2, lam, phi)]) * Vi, diagm(E2)) * L(-t * V * diagm(E2), t * I) * U(diagm(lam) * Vi, diagm(E1)) * L(V)
        ok &= ulul == block(I, Z0, Z0, M)
        E1 = [(1 - p) / l for p, l in zip(ph, lam)]; E2 = [l * p / (1 - p) for p, l in zip(ph, lam)]
        lulu = L(-t * V * diagm(E1), t * I) * U(diagm(lam) * Vi, diagm(E2)) * L(V) * U(-diagm([e * l for e, l in zip(E1, lam)]) * Vi, diagm(E1))
        ok &= lulu == block(I, Z0, Z0, M)
print("all exact identities hold:", ok)
