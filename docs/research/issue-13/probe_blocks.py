"""Bits of level blocks of triangular LDU factors under the two conventions:
 lower L: nice X = L21 L11^-1 (common denominator) vs X' = L22^-1 L21;
 upper U: nice Y = U11^-1 U12 vs Y' = U12 U22^-1."""
import random, sys
from lib import *
random.seed(3)
for d in (8, 16, 32, 64):
    n = 2 * d
    T = rand_int_mat(n, n)
    L, D, U = ldu(T)
    ib = mat_bits(T.inv())
    m = d // 2
    L11, L21, L22 = block(L, 0, m, 0, m), block(L, m, d, 0, m), block(L, m, d, m, d)
    U11, U12, U22 = block(U, 0, m, 0, m), block(U, 0, m, m, d), block(U, m, d, m, d)
    print(d, "Tinv", ib, "| L21 L11^-1", mat_bits(L21 * L11.inv()), "L22^-1 L21", mat_bits(L22.inv() * L21),
          "| U11^-1 U12", mat_bits(U11.inv() * U12), "U12 U22^-1", mat_bits(U12 * U22.inv()), flush=True)
