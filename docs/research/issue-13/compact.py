"""Reference implementation of the recommended `compact` construction (research prototype).

G-route with a parallel level crux (see REPORT.md, section "Recommended algorithm").
Half split n = 2d, d a power of two.  Every chain is checked by exact multiplication by the caller.

Matrix-order identities used (all verified exactly here and in identities.py):
  (P)  T = L(R1) T' L(R3)              [preconditioners, R1, R3 zero or random in [-2, 2]]
  (G)  T' = U(X) L(A) U(Y) diag(G, I),  R = T11 T21^-1 T22 - T12, G = R T21,
       X = T11 T21^-1 - R, A = R^-1, Y = R (T22 - I)              [T21 invertible]
  (F)  diag(G, I) = diag(L, U) diag(D, I) Wh(U^-1),  G = L D U (unit lower, diagonal, unit upper)
  (Wh) Wh(Q) = diag(Q^-1, Q) = L(Q - I) U(I) L(Q^-1 - I) U(-Q)      [or mirror form]
  (CW) diag(Q^-1, W Q W^-1) = L(W(Q - I)) U(W^-1) L(W(Q^-1 - I)) U(-Q W^-1)
                            = U((Q^-1 - I) W^-1) L(W) U((Q - I) W^-1) L(-W Q^-1)
  (LV) L = prod_depth (I + X_depth) (deepest applied first), X = L[k:e,s:k] L[s:k,s:k]^-1;
       U = prod_depth (I + Y_depth) (top applied first),    Y = U[s:k,s:k]^-1 U[s:k,k:e]
  (PC) one CW per depth: Q = I - X_depth, W X W^-1 = -Y_depth  => diag(I + X, I + Y)
  (S)  positive mode, S = sign(D) = S_a S_b (disjoint, equal counts, P S_a P = S_b, P a
       permutation):  diag(S, I) Wh(U^-1) = diag(S_a, S_b) . diag(S_b U, S_b U^-1), two CW gadgets
       (Q = U^-1 S_b, W = S_b) and (Q = S_a, W = P): one gadget more than signed mode.
"""
import random
from lib import *
from parallel2 import crux_gadgets, gadget_layers
from groute import tri_inv_upper


def cw_layers(Q, Qi, W, Wi, orient):
    """CW gadget diag(Q^-1, W Q W^-1) in APPLICATION order."""
    d = Q.nrows(); I = ident(d)
    if orient == 0:
        return [('U', -(Q * Wi), None), ('L', W * (Qi - I), None), ('U', Wi, None), ('L', W * (Q - I), None)]
    return [('L', -(W * Qi), None), ('U', (Q - I) * Wi, None), ('L', W, None), ('U', (Qi - I) * Wi, None)]


def level_blocks_invertible(M, lower):
    from parallel2 import level_data
    for g in level_data(M, lower):
        for (_, _, B) in g:
            if B.rank() < B.nrows():
                return False
    return True


def crux_is_pure(LG, UG):
    """Every depth pairs two invertible level ops, or two zero ones (skipped)."""
    from parallel2 import level_data
    for a, b in zip(level_data(LG, True), level_data(UG, False)):
        z = all(is_zero(B) for (_, _, B) in a) and all(is_zero(B) for (_, _, B) in b)
        inv = all(B.rank() == B.nrows() for (_, _, B) in a) and all(B.rank() == B.nrows() for (_, _, B) in b)
        if not (z or inv):
            return False
    return True


def prepare(T, seed=1, attempts=24):
    """Prefer a preconditioner for which every level block is invertible (pure CW crux);
    fall back to any valid one (slot gadgets for the singular depths)."""
    r = _prepare(T, seed, attempts, strict=True)
    return r if r is not None else _prepare(T, seed, attempts, strict=False)


def _prepare(T, seed, attempts, strict):
    """Preconditioner T' = L(-R1) T L(-R3) (so T = L(R1) T' L(R3)) such that T'21 is invertible
    and G has an LDU factorisation.  First R1 = R3 = 0, then random R3 (merges with the first
    layer), then random R1 and R3 (one extra layer).  Returns (R1, R3, parts) or None."""
    n = T.nrows(); d = n // 2
    rng = random.Random(seed)
    rnd = lambda: fmpq_mat(d, d, [rng.randint(-2, 2) for _ in range(d * d)])
    for a in range(attempts):
        R1 = zeros(d, d) if a < attempts // 3 else rnd()
        R3 = zeros(d, d) if a == 0 else rnd()
        Tp = Lmat(-R1) * T * Lmat(-R3)
        T11, T12, T21, T22 = blocks(Tp)
        if T21.rank() < d:
            continue
        I = ident(d)
        N = T21.inv()
        R = T11 * N * T22 - T12
        G = R * T21
        f = ldu_fast(G)
        if f is None:
            continue
        LG, DG, UG = f
        if strict and not crux_is_pure(LG, UG):
            continue
        X = T11 * N - R
        A = R.inv()
        Y = R * (T22 - I)
        return R1, R3, (X, A, Y, LG, DG, UG)
    return None


def sign_split(signs, d):
    """S = diag(signs) (even number of -1) = S_a S_b with disjoint S_a, S_b of equal size and a
    permutation P (involution) with P S_a P = S_b."""
    neg = [i for i, s in enumerate(signs) if s < 0]
    assert len(neg) % 2 == 0
    h = len(neg) // 2
    Pa, Pb = neg[:h], neg[h:]
    Sa = ident(d); Sb = ident(d)
    for i in Pa:
        Sa[i, i] = -1
    for i in Pb:
        Sb[i, i] = -1
    Pm = ident(d)
    for i, j in zip(Pa, Pb):
        Pm[i, i] = 0; Pm[j, j] = 0; Pm[i, j] = 1; Pm[j, i] = 1
    return Sa, Sb, Pm


def slot_gadget(ops, d, half):
    """Sequential square-zero op on one half with the other half as slots (4 unit layers,
    application order): half 1: x1[K] += X x1[J] via slots x2[J]:  L(P) U(Q) L(-P) U(-Q);
    half 2: x2[K] += Y x2[J] via slots x1[J]:  U(P) L(Q) U(-P) L(-Q).  ops: (J, K, B) ranges."""
    P = zeros(d, d); Q = zeros(d, d)
    for (J, K, B) in ops:
        for a, j in enumerate(range(*J)):
            P[j, j] = 1
        for a, i in enumerate(range(*K)):
            for b, j in enumerate(range(*J)):
                Q[i, j] = B[a, b]
    if half == 1:
        return [('L', P, None), ('U', Q, None), ('L', -P, None), ('U', -Q, None)]
    return [('U', P, None), ('L', Q, None), ('U', -P, None), ('L', -Q, None)]


def slot_flip(lay):
    """Same op, other starting kind: [a(P) b(Q) a(-P) b(-Q)] -> [b(-Q) a(P) b(Q) a(-P)]."""
    (k1, P, _), (k2, Q, _), _, _ = lay
    return [(k2, -Q, None), (k1, P, None), (k2, Q, None), (k1, -P, None)]


def crux_plan(LG, UG, d, choice):
    """Per depth: ('cw', X, W, Wi) when both level blocks are invertible, else ('slots', layers)
    (one slot gadget per nonzero half; zero ops are skipped)."""
    from parallel2 import level_data, gadget_mats
    g1 = level_data(LG, True); g2 = level_data(UG, False)
    plan = []
    for a, b in zip(g1, g2):
        inv1 = all(B.rank() == B.nrows() for (_, _, B) in a)
        inv2 = all(B.rank() == B.nrows() for (_, _, B) in b)
        if inv1 and inv2:
            X, W, Wi = gadget_mats(a, b, d, choice)
            plan.append(('cw', X, W, Wi))
            continue
        nz1 = [op for op in a if not is_zero(op[2])]
        nz2 = [op for op in b if not is_zero(op[2])]
        lay = []
        if nz1:
            lay += slot_gadget(nz1, d, 1)
        if nz2:
            lay += slot_gadget(nz2, d, 2)
        plan.append(('slots', lay))
    return plan


def compact(T, mode='signed', merged=True, choice='xy', seed=1, cap=None):
    n = T.nrows(); d = n // 2
    assert n == 2 * d and d & (d - 1) == 0, "reference implementation: d must be a power of two"
    prep = prepare(T, seed)
    if prep is None:
        return None
    R1, R3, (X, A, Y, LG, DG, UG) = prep
    UGi = tri_inv_upper(UG)
    gad = []  # list of (Q, Qi, W, Wi) in application order
    I = ident(d)
    scale = list(DG)
    signs = [1] * d
    if mode == 'positive':
        signs = [1 if v > 0 else -1 for v in DG]
        scale = [abs(v) for v in DG]
    if all(s > 0 for s in signs):
        gad.append((UGi, UG, I, I))                  # Wh(U_G^-1) = diag(U_G, U_G^-1): Q = U_G^-1
    else:
        # (S) diag(S, I) Wh(U^-1) = diag(S U, U^-1) = diag(S_a, S_b) . diag(S_b U, S_b U^-1)
        Sa, Sb, Pm = sign_split(signs, d)
        gad.append((UGi * Sb, Sb * UG, Sb, Sb))      # Q = U^-1 S_b, W = S_b
        gad.append((Sa, Sa, Pm, Pm))                 # Q^-1 = S_a, W S_a W^-1 = S_b
    crux = crux_plan(LG, UG, d, choice)
    best = None
    for o in (0, 1):
        ch = [('L', R3, None)]
        k = o
        for (Q, Qi, W, Wi) in gad:
            ch += cw_layers(Q, Qi, W, Wi, k % 2 if merged else o)
            k += 1
        ch += [('U', zeros(d, d), scale)]
        for item in crux:
            if item[0] == 'cw':
                _, Xl, W, Wi = item
                ch += gadget_layers(Xl, W, Wi, k % 2 if merged else o, d)
                k += 1
            else:
                _, lay = item
                for g0 in range(0, len(lay), 4):
                    gl = lay[g0:g0 + 4]
                    if merged and gl[0][0] != ch[-1][0]:
                        gl = slot_flip(gl)
                    ch += gl
        ch += [('U', Y, None), ('L', A, None), ('U', X, None), ('L', R1, None)]
        m = merge(ch) if cap is None else merge_capped(ch, cap)
        if best is None or len(m) < len(best):
            best = m
    return best


def check_positive(chain):
    for kind, s, c in chain:
        if c is not None and any(v <= 0 for v in c):
            return False
    return True


if __name__ == '__main__':
    import sys, time
    random.seed(2026)
    sizes = [int(a) for a in sys.argv[1:]] or [4, 8, 16, 32]
    print("n mode merged layers bits Tinv_bits ratio exact positive_ok time")
    for n in sizes:
        T = rand_int_mat(n, n)
        if T.det() < 0:
            # make det > 0 for the positive-mode row (swap sign of one row)
            for j in range(n):
                T[0, j] = -T[0, j]
        ib = mat_bits(T.inv())
        for mode in ('signed', 'positive'):
            for merged in (True, False):
                t0 = time.time()
                ch = compact(T, mode, merged)
                t1 = time.time()
                ok = chain_apply(ch, ident(n)) == T
                b = chain_bits(ch)
                print(n, mode, merged, len(ch), b, ib, round(b / ib, 2), ok,
                      check_positive(ch) if mode == 'positive' else '-', "%.1fs" % (t1 - t0), flush=True)
