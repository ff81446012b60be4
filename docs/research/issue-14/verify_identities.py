"""Numerical checks of the block identities used (float64, random inputs)."""
import numpy as np
from layers import *
rng = np.random.default_rng(0)
d = 5; I = np.eye(d); one = np.ones(d)
Q = rng.standard_normal((d, d)) + 3*I
Qi = np.linalg.inv(Q)
# brief's identity (matrix order): diag(Q^-1, Q) = L(Q - I) U(I) L(Q^-1 - I) U(-Q)
lhs = np.block([[Qi, 0*I], [0*I, Q]])
rhs = Lm(Q - I) @ Um(I) @ Lm(Qi - I) @ Um(-Q)
print("diag(Q^-1,Q) = L(Q-I)U(I)L(Q^-1-I)U(-Q), matrix order:", np.abs(lhs - rhs).max())
rhs2 = Um(-Q) @ Lm(Qi - I) @ Um(I) @ Lm(Q - I)
print("  ... reversed order:", np.abs(lhs - rhs2).max())
# rotation of the halves
J = np.block([[0*I, -I], [I, 0*I]])
print("J = U(-I)L(I)U(-I):", np.abs(J - Um(-I) @ Lm(I) @ Um(-I)).max())
# ULU diag: W = U(X) L(Y) U(Z) diag(Y^-1 W21, Y R) for any Y
W = rng.standard_normal((2*d, 2*d))
W11, W12, W21, W22 = W[:d,:d], W[:d,d:], W[d:,:d], W[d:,d:]
R = W11 @ np.linalg.solve(W21, W22) - W12
Y = rng.standard_normal((d, d))
Yi = np.linalg.inv(Y)
X = W11 @ np.linalg.inv(W21) - Yi
B = Y @ R
Z = Yi @ (W22 @ np.linalg.inv(B) - I)
A = Yi @ W21
print("W = U(X)L(Y)U(Z)diag(Y^-1 W21, Y R):", np.abs(W - Um(X) @ Lm(Y) @ Um(Z) @ np.block([[A, 0*I],[0*I, B]])).max())
# 4-layer diag(I, M), M = t V Phi' V^-1, both orientations
V = rng.standard_normal((d, d)); Vi = np.linalg.inv(V)
phi = rng.uniform(-2, 2, d); t = 3.0; ph = phi / t; lam = rng.uniform(0.5, 2, d)
M = V @ np.diag(phi) @ Vi
Mi = np.linalg.inv(M)
# ULUL (matrix order) U(B2,E2) L(A2,D2) U(B1,E1) L(A1,D1)
E2 = (1 - ph) / lam; E1 = lam * ph / (1 - ph)
A1, D1 = V, one; B1 = lam[:, None] * Vi
A2, D2 = -t * V * E2[None, :], t * one
B2 = -(E2 * lam / phi)[:, None] * Vi
P = Um(B2, E2) @ Lm(A2, D2) @ Um(B1, E1) @ Lm(A1, D1)
print("ULUL diag(I,M):", np.abs(P - np.block([[I, 0*I],[0*I, M]])).max())
# LULU (matrix order) L(A2,D2) U(B2,E2) L(A1,D1) U(B1,E1)
E1 = (1 - ph) / lam; E2 = lam * ph / (1 - ph)
A1 = V; B2 = lam[:, None] * Vi; A2 = -t * V * E1[None, :]; B1 = -(E1 * lam)[:, None] * Vi
P = Lm(A2, t*one) @ Um(B2, E2) @ Lm(A1, one) @ Um(B1, E1)
print("LULU diag(I,M):", np.abs(P - np.block([[I, 0*I],[0*I, M]])).max())
