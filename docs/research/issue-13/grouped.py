"""Grouping k consecutive tree depths into ONE conjugated Whitehead.  x1 gets the product P1 of
k consecutive levels of N1 (unit lower), x2 the product P2 of k levels of N2 (unit upper); the
conjugator W (W P1^-1 W^-1 = P2) is K2 K1^-1 with Krylov chains of length 2^k:
  K1 = [E1^p v_c], K2 = [E2^p u_c], E1 = P1^-1 - I, E2 = P2 - I,
v_c the unit vectors of the first sub-block of each coarsest node of the x1 group and u_c those of
the last sub-block of each coarsest node of the x2 group.  k = 1 is the parallel crux, k = h a
single conjugated Whitehead (constant depth) whose W is a full Jordan-chain conjugator."""
import sys, random
from lib import *
from parallel import level_groups, place


def level_factor(groups_depth, d, lower):
    F = ident(d)
    for (s, k, e, B) in groups_depth:
        if lower:
            place(F, B, k, s)
        else:
            place(F, B, s, k)
    return F


def chain_starts(groups_in_group, lower):
    """Unit-vector indices starting the Krylov chains: coarsest nodes of the group."""
    # coarsest node size = max node size in the group
    best = max(groups_in_group, key=lambda g: g[0][2] - g[0][0])
    L = len(groups_in_group)
    starts = []
    for (s, k, e, B) in best:
        m = (e - s) >> L
        if lower:
            starts += list(range(s, s + m))
        else:
            starts += list(range(e - m, e))
    return starts


def grouped_crux(N1, N2, k, alternate=True, sizes=None):
    d = N1.nrows()
    g1 = level_groups(N1, True)     # application order
    g2 = level_groups(N2, False)
    h = len(g1)
    I = ident(d)
    chain = []
    gi = 0
    if sizes is None:
        sizes = [k] * ((h + k - 1) // k)
    starts = []
    a = 0
    for s_ in sizes:
        starts.append((a, min(a + s_, h)))
        a += s_
    for (a, b_) in starts:
        G1 = g1[a:b_]; G2 = g2[a:b_]
        P1 = ident(d); P2 = ident(d)
        for g in G1:
            P1 = level_factor(g, d, True) * P1
        for g in G2:
            P2 = level_factor(g, d, False) * P2
        E1 = P1.inv() - I
        E2 = P2 - I
        s1 = chain_starts(G1, True); s2 = chain_starts(G2, False)
        assert len(s1) == len(s2)
        L = 1 << len(G1)
        K1 = zeros(d, d); K2 = zeros(d, d)
        V = zeros(d, len(s1)); U = zeros(d, len(s2))
        for c, i in enumerate(s1):
            V[i, c] = 1
        for c, i in enumerate(s2):
            U[i, c] = 1
        m = len(s1)
        for p in range(L):
            place(K1, V, 0, p * m); place(K2, U, 0, p * m)
            V = E1 * V; U = E2 * U
        W = K2 * K1.inv()
        assert W * E1 == E2 * W
        Wi = W.inv()
        Q = P1.inv()
        Qi = P1
        if gi % 2 == 0 or not alternate:
            lay = [('U', -(Q * Wi), None), ('L', W * (Qi - I), None), ('U', Wi, None), ('L', W * (Q - I), None)]
        else:
            lay = [('L', -(W * Qi), None), ('U', (Q - I) * Wi, None), ('L', W, None), ('U', (Qi - I) * Wi, None)]
        chain += lay
        gi += 1
    return merge(chain) if alternate else chain


if __name__ == '__main__':
    random.seed(11)
    ds = [int(a) for a in sys.argv[1:]] or [4, 8, 16, 32]
    print("d Tinv_bits N_bits | k: layers bits ok ...")
    for d in ds:
        n = 2 * d
        T = rand_int_mat(n, n)
        L, D, U = ldu(T)
        La = block(L, 0, d, 0, d); Ub = block(U, d, n, d, n)
        ib = mat_bits(T.inv())
        row = [d, ib, max(mat_bits(La), mat_bits(Ub)), "|"]
        h = d.bit_length() - 1
        for k in range(1, h + 1):
            for alt in (False, True):
                ch = grouped_crux(La, Ub, k, alt)
                ok = chain_apply(ch, ident(n)) == bdiag(La, Ub)
                row += [f"k={k}{'m' if alt else ''}:", len(ch), chain_bits(ch), ok]
        print(*row, flush=True)
