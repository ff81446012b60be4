"""Part 4, entry size: with K = 2n, a factorisation T = T1 T2 gives three unit layers
  L([T; T2]), U([I, -T2^-1]), L(-[I; T1^-1])     (split (n | 2n))
whose entries come from T, T2, T2^-1, T1^-1 (denominators det T1, det T2 instead of
det T).  Exact check, and bits against the K = n chain (entries of T^-1)."""
import numpy as np
from ex import *

def k2n_chain(T, T1, T2):
    n = T.nrows()
    assert T1 * T2 == T
    A1 = blocks([[T], [T2]])
    B = blocks([[eye(n), -T2.inv()]])
    A2 = -blocks([[eye(n)], [T1.inv()]])
    return [L(A1), U(B), L(A2)]

rng = np.random.default_rng(21)
print('n  | bits T^-1 (K = n chain) | bits K = 2n chain (T = T1 T2, T1, T2 random integer in [-9, 9])')
for n in [4, 8, 16, 32]:
    T1 = rand_int_matrix(n, rng); T2 = rand_int_matrix(n, rng)
    T = T1 * T2
    ch = k2n_chain(T, T1, T2)
    assert check_padded(ch, n, 2 * n, T, positive=True)
    Ti = T.inv()
    print('%-3d| %d | %d  (entries of T: %d bits)' % (n, max(max_bits_mat(Ti), max_bits_mat(T)), chain_bits(ch), max_bits_mat(T)))
