"""Numeric (exact) checks of the block identities quoted in REPORT.md."""
from lib import *
from four import FG
rng = random.Random(9)
for d in [1, 2, 3, 4]:
    rm = lambda: rand_int_mat(d, -4, 4, rng)
    rs = lambda: [Q(rng.choice([-3, -2, -1, 1, 2, 3])) for _ in range(d)]
    X, Y, Z, W = rm(), rm(), rm(), rm()
    E1, E2, D, D2 = rs(), rs(), rs(), rs()
    # four_layer_gauge
    lhs = U(X, E1) * L(Y, D) * U(Z, E2)
    rhs = U(X, [Q(1)] * d) * L(Y * diag([1 / e for e in E1]), D) * U(diag(E1) * Z, [E1[i] * E2[i] for i in range(d)])
    assert lhs == rhs
    # four_layer_gauge_lower
    lhs = L(Y, D) * U(Z, E2) * L(W, D2)
    rhs = L(Y, [D[i] * D2[i] for i in range(d)]) * U(Z * diag(D2), E2) * L(diag([1 / x for x in D2]) * W, [Q(1)] * d)
    assert lhs == rhs
    # diag(-I, I): tr F + tr G = 0 for the five-layer N (ULULU) and M (LULUL)
    t = diag([Q(-1)] * d + [Q(1)] * d)
    B0 = rm(); A0 = rm()
    N = swap(U(-B0, [Q(1)] * d) * t)
    f, g = FG(N, X, Z)
    assert f + g == (Z * X - X * Z) + (B0 * X - X * B0)
    M = L(-A0, [Q(1)] * d) * t
    f, g = FG(M, X, Z)
    assert sum(diagonal(f)) + sum(diagonal(g)) == 0
print('gauge identities and the diag(-I, I) trace identities verified, d = 1..4')
