"""Degenerate families through the compact reference (both modes)."""
import random, sys
from lib import *
from compact import compact, check_positive


def perm_mat(p):
    n = len(p); m = zeros(n, n)
    for j, i in enumerate(p):
        m[i, j] = 1
    return m


def families(n, rng):
    d = n // 2
    I = ident(n)
    out = {}
    out['identity'] = I
    out['-I'] = -I
    p = list(range(n)); rng.shuffle(p)
    out['permutation'] = perm_mat(p)
    out['half swap'] = assemble(zeros(d, d), ident(d), ident(d), zeros(d, d))
    s = [rng.choice([-1, 1]) for _ in range(n)]
    out['sign matrix'] = diag(s)
    A = rand_int_mat(d, d); B = rand_int_mat(d, d)
    while A.rank() < d: A = rand_int_mat(d, d)
    while B.rank() < d: B = rand_int_mat(d, d)
    out['block diagonal'] = bdiag(A, B)
    out['block upper (T21=0)'] = assemble(A, rand_int_mat(d, d), zeros(d, d), B)
    out['T11 = 0'] = assemble(zeros(d, d), A, B, rand_int_mat(d, d))
    u = rand_int_mat(d, 1); v = rand_int_mat(1, d)
    out['rank-1 off-diagonal'] = assemble(A, u * v, rand_int_mat(d, 1) * rand_int_mat(1, d), B)
    L = ident(n)
    for i in range(n):
        for j in range(i):
            L[i, j] = rng.randint(-9, 9)
    out['unit lower n x n'] = L
    out['random [-9,9]'] = rand_int_mat(n, n)
    return out


if __name__ == '__main__':
    rng = random.Random(77)
    random.seed(77)
    sizes = [int(a) for a in sys.argv[1:]] or [4, 8, 16]
    print("n family mode layers bits Tinv_bits exact positive")
    for n in sizes:
        for name, T in families(n, rng).items():
            ib = mat_bits(T.inv())
            for mode in ('signed', 'positive'):
                if mode == 'positive' and T.det() < 0:
                    print(n, name, mode, '(det < 0: no positive product exists)')
                    continue
                ch = compact(T, mode, merged=True)
                if ch is None:
                    print(n, name, mode, 'FAILED (no preconditioner)')
                    continue
                ok = chain_apply(ch, ident(n)) == T
                print(n, name, mode, len(ch), chain_bits(ch), ib, ok,
                      check_positive(ch) if mode == 'positive' else '-', flush=True)
