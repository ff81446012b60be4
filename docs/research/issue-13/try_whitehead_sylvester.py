# Quick test: T = L(A0) U(B0) diag(G, G^-1) L(A3) U(Y) (matrix-product order) with Q = q I.
import random, sys
from lib import *
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
d = int(sys.argv[2]) if len(sys.argv) > 2 else 3
n = 2*d
T = rand_int_mat(n, n)
X = T.inv()
T11,T12,T21,T22 = blocks(T)
X11,X12,X21,X22 = blocks(X)
I = ident(d)
q = fmpq(1)
A0 = (T21 - q*I) * T11.inv()
Q = T21 - A0*T11
K = T22 - A0*T12 - X11 - X12*A0
Y = (K/q) * (I - X22*T11.inv()).inv()
M = Lmat(-A0) * T * Umat(-Y)
M11,M12,M21,M22 = blocks(M)
print("M22 rank", M22.rank(), "of", d)
Mi = M.inv()
print("cond (Mi)11 == M22:", block(Mi,0,d,0,d) == M22)
