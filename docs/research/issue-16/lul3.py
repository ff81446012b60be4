"""Exact decision of padded three-layer chains (Part 3) and the L U L construction.

Split (p | q) of N = n + K, padded coordinates last, p < n, a = n - p.
T = [[T11, T12], [T21, T22]] (blocks p, a), S = T^-1 with the same blocks.

Theorem (padded LUL).  [[T],[0]] is the first n columns of L(A1,D1) U(B,E) L(A2,D2)
(application order) iff there are diagonal invertible E (p) and Omega (a) (positive
in positive mode) with
  (a) E S12 + T12 Omega = 0,
  (b) Omega (T22 k) = k for every k in ker T12,
  (c) rank(Cf (T11 - E)) <= K, Cf a basis of the left kernel of T12.
U L U (application order) never uses the padding: it is the unpadded U L U of the
split (p | a) of x, i.e. the theorem with K = 0 applied to the swapped matrix
[[T22, T21], [T12, T11]] and the split (a | p).

(a), (b) are monomial equations (ratio edges E_i / Omega_j, pins Omega_j); they are
solved by propagation over the bipartite graph.  (c) is a rank condition in the
remaining free scalars (one per component); with one free scalar it is decided by
the gcd of the (K+1)-minors and its rational roots (sympy).
"""
import itertools
import sympy as sp
import flint
import numpy as np
from ex import *
from lul import solve_general, solve_right


def blocks_of(T, p):
    n = T.nrows()
    return (sub(T, 0, p, 0, p), sub(T, 0, p, p, n), sub(T, p, n, 0, p), sub(T, p, n, p, n))


class Infeasible(Exception):
    def __init__(self, reason, cert=None):
        super().__init__(reason)
        self.reason = reason
        self.cert = cert


def monomial_system(T, p, positive, K=None):
    """Solve (a), (b).  Returns (facts, comp, val) where val[node] = (root, value):
    node value = value * mu_root (root == 'one' for pinned components).
    Nodes: ('E', i), ('O', j).  Raises Infeasible with a certificate."""
    n = T.nrows(); a = n - p
    S = T.inv()
    T11, T12, T21, T22 = blocks_of(T, p)
    S11, S12, S21, S22 = blocks_of(S, p)
    facts = []   # each: (kind, data, node_u, node_v or 'one', ratio)  meaning u / v = ratio
    for i in range(p):
        for j in range(a):
            t, s = T12[i, j], S12[i, j]
            if t == 0 and s == 0:
                continue
            if t == 0 or s == 0:
                raise Infeasible('ratio (%d,%d): E_%d S12 + T12 Omega_%d = 0 with exactly one nonzero coefficient' % (i, j, i, j),
                                 {'inverse': S, 'facts': [('ratio', (i, j))], 'contradiction': ('single', 0)})
            r = -t / s
            if positive and r <= 0:
                raise Infeasible('ratio (%d,%d) = %s <= 0 in positive mode' % (i, j, r),
                                 {'inverse': S, 'facts': [('ratio', (i, j))], 'contradiction': ('single', 0)})
            facts.append(('ratio', (i, j), ('E', i), ('O', j), r))
    Kb = kernel(T12)
    if Kb is not None:
        for c in range(Kb.ncols()):
            k = sub(Kb, 0, a, c, c + 1)
            w = T22 * k
            for j in range(a):
                if w[j, 0] == 0 and k[j, 0] == 0:
                    continue
                if w[j, 0] == 0 or k[j, 0] == 0:
                    raise Infeasible('kernel vector %d, row %d: Omega_j (T22 k)_j = k_j has one zero side' % (c, j),
                                     {'inverse': S, 'facts': [('kernel', [k[t, 0] for t in range(a)], j)], 'contradiction': ('single', 0)})
                v = k[j, 0] / w[j, 0]
                if positive and v <= 0:
                    raise Infeasible('kernel pin Omega_%d = %s <= 0' % (j, v),
                                     {'inverse': S, 'facts': [('kernel', [k[t, 0] for t in range(a)], j)], 'contradiction': ('single', 0)})
                facts.append(('kernel', ([k[t, 0] for t in range(a)], j), ('O', j), 'one', v))
    if K == 0:
        Cf0 = left_kernel(T12)
        if Cf0 is not None:
            CT = Cf0 * T11
            for r in range(Cf0.nrows()):
                for j in range(p):
                    c, w = Cf0[r, j], CT[r, j]
                    if c == 0 and w == 0:
                        continue
                    if c == 0 or w == 0:
                        raise Infeasible('K = 0: left kernel vector %d, column %d: Cf_j E_j = (Cf T11)_j has one zero side' % (r, j),
                                         {'inverse': S, 'facts': [('leftkernel', r, j)], 'contradiction': ('single', 0)})
                    v = w / c
                    if positive and v <= 0:
                        raise Infeasible('K = 0: pin E_%d = %s <= 0' % (j, v))
                    facts.append(('leftkernel', (r, j), ('E', j), 'one', v))
    # propagation: value(u) = ratio * value(v)
    nodes = [('E', i) for i in range(p)] + [('O', j) for j in range(a)] + ['one']
    adj = {u: [] for u in nodes}
    for idx, f in enumerate(facts):
        _, _, u, v, r = f
        adj[u].append((v, 1 / r, idx))   # value(v) = value(u) / r
        adj[v].append((u, r, idx))       # value(u) = r * value(v)
    val = {}
    parent = {}
    order = ['one'] + [u for u in nodes if u != 'one']
    for root in order:
        if root in val:
            continue
        val[root] = (root, Q(1))
        parent[root] = None
        stack = [root]
        while stack:
            u = stack.pop()
            for (v, mult, idx) in adj[u]:
                want = (val[u][0], val[u][1] * mult)
                if v not in val:
                    val[v] = want
                    parent[v] = (u, idx)
                    stack.append(v)
                elif val[v] != want:
                    # a cycle with inconsistent product: certificate = the two tree paths + this edge
                    raise Infeasible('monomial cycle through fact %d is inconsistent' % idx,
                                     {'inverse': S, 'facts': facts, 'contradiction': ('cycle', idx)})
    return facts, val


def rank_condition(T, p, K, val, positive):
    """(c): find admissible scalars.  Returns dict root -> value, or raises."""
    n = T.nrows(); a = n - p
    T11, T12, T21, T22 = blocks_of(T, p)
    Cf = left_kernel(T12)
    roots = sorted({val[('E', i)][0] for i in range(p)} | {val[('O', j)][0] for j in range(a)}, key=str)
    free = [r for r in roots if r != 'one']
    # admissible sign of each free scalar in positive mode: all members must be positive
    def sign_ok(choice):
        if not positive:
            return True
        for node, (r, v) in val.items():
            if node == 'one':
                continue
            x = v * (choice[r] if r != 'one' else 1)
            if x <= 0:
                return False
        return True
    if Cf is None or Cf.nrows() <= K:
        # (c) vacuous: pick +-1 for each free scalar
        for signs in itertools.product([Q(1), Q(-1)], repeat=len(free)):
            ch = dict(zip(free, signs))
            if sign_ok(ch):
                return ch
        raise Infeasible('positive mode: no sign choice makes every scale positive')
    # which free scalars enter E?
    e_roots = sorted({val[('E', i)][0] for i in range(p)} - {'one'}, key=str)
    def Mx_at(choice):
        Ev = [val[('E', i)][1] * (choice[val[('E', i)][0]] if val[('E', i)][0] != 'one' else 1) for i in range(p)]
        return Cf * (T11 - diag(Ev))
    if len(e_roots) == 0:
        ch = {r: Q(1) for r in free}
        rk = Mx_at(ch).rref()[1]
        if rk <= K and sign_ok(ch):
            return ch
        raise Infeasible('rank condition: rank %d > K = %d (E fully pinned)' % (rk, K), {'minors': 'constant'})
    if len(e_roots) > 1:
        return multi_scalar_sym(T, p, K, val, free, sign_ok, Cf, T11)
    mu = e_roots[0]
    base = {r: Q(1) for r in free}
    def with_mu(x):
        d = dict(base); d[mu] = x
        # other free scalars (not in E): choose sign to satisfy positivity later
        return d
    # generic rank r0 of the pencil Cf (T11 - mu E0)
    pts = [Q(7, 3), Q(-11, 5), Q(13, 17)]
    r0 = max(Mx_at(with_mu(x)).rref()[1] for x in pts)
    def finish(x):
        for signs in itertools.product([Q(1), Q(-1)], repeat=len(free)):
            d = dict(zip(free, signs)); d[mu] = x
            if sign_ok(d):
                return d
        return None
    if r0 <= K:
        for x in [Q(1), Q(-1), Q(2), Q(-2), Q(3), Q(1, 2), Q(-1, 2)]:
            if Mx_at(with_mu(x)).rref()[1] <= K:
                d = finish(x)
                if d is not None:
                    return d
        raise Infeasible('positive mode: no sign choice with rank <= K')
    # an r0 x r0 submatrix nonsingular at a generic point; its determinant is a
    # polynomial of degree <= r0 in mu (interpolated exactly); every mu with
    # rank <= K < r0 is a root of it.
    M0 = Mx_at(with_mu(pts[0]))
    Rr, rk = M0.transpose().rref()
    rows_sel = [next(j for j in range(Rr.ncols()) if Rr[i, j] != 0) for i in range(rk)]
    Mr = M0
    sel_rows = rows_sel
    Rc, rk2 = sub_rows(M0, sel_rows).rref()
    cols_sel = [next(j for j in range(Rc.ncols()) if Rc[i, j] != 0) for i in range(rk2)]
    def minor_at(x):
        Mm = Mx_at(with_mu(x))
        return submat(Mm, sel_rows, cols_sel).det()
    xs = [Q(i + 2, 1) for i in range(r0 + 1)]
    ys = [minor_at(x) for x in xs]
    poly = interpolate(xs, ys)
    cands = [r for r, m in poly.roots() if r != 0]
    for x in cands:
        if Mx_at(with_mu(x)).rref()[1] <= K:
            d = finish(x)
            if d is not None:
                return d
    raise Infeasible('rank condition: minor polynomial %s has no admissible rational root' % str(poly),
                     {'minors': 'no rational root', 'poly': poly, 'rows': sel_rows, 'cols': cols_sel, 'r0': r0})


def sub_rows(M, rows):
    out = fmpq_mat(len(rows), M.ncols())
    for a_, r in enumerate(rows):
        for j in range(M.ncols()):
            out[a_, j] = M[r, j]
    return out


def submat(M, rows, cols):
    out = fmpq_mat(len(rows), len(cols))
    for a_, r in enumerate(rows):
        for b_, c in enumerate(cols):
            out[a_, b_] = M[r, c]
    return out


def interpolate(xs, ys):
    """Exact Lagrange interpolation -> fmpq_poly."""
    res = flint.fmpq_poly([0])
    for i, (xi, yi) in enumerate(zip(xs, ys)):
        term = flint.fmpq_poly([yi])
        for j, xj in enumerate(xs):
            if j != i:
                term = term * flint.fmpq_poly([-xj, 1]) / (xi - xj)
        res = res + term
    return res


def multi_scalar_sym(T, p, K, val, free, sign_ok, Cf, T11):
    mus = {r: sp.Symbol('mu%d' % t) for t, r in enumerate(free)}
    def ev(node):
        r, v = val[node]
        b = sp.Rational(int(v.p), int(v.q))
        return b * (mus[r] if r != 'one' else 1)
    Es = [ev(('E', i)) for i in range(p)]
    Cs = sp.Matrix([[sp.Rational(int(Cf[i, j].p), int(Cf[i, j].q)) for j in range(p)] for i in range(Cf.nrows())])
    T11s = sp.Matrix([[sp.Rational(int(T11[i, j].p), int(T11[i, j].q)) for j in range(p)] for i in range(p)])
    Mx = Cs * (T11s - sp.diag(*Es))
    used = sorted(Mx.free_symbols, key=str)
    return multi_scalar(Mx, K, used, mus, free, sign_ok)


MAX_SCALARS = [6]


def multi_scalar(Mx, K, used, mus, free, sign_ok):
    """Several free scalars: Groebner basis of the (K+1)-minors (plus t * prod(mu) - 1)."""
    rows, cols = Mx.shape
    if len(used) > MAX_SCALARS[0] or rows * cols > 64:
        raise Infeasible('UNDECIDED: rank condition with %d free scalars (too large for the Groebner fallback)' % len(used))
    minors = []
    for R in itertools.combinations(range(rows), K + 1):
        for C in itertools.combinations(range(cols), K + 1):
            m = sp.expand(Mx.extract(list(R), list(C)).det())
            if m != 0:
                minors.append(m)
    rinv = {v: k for k, v in mus.items()}
    if not minors:
        ch = {r: Q(1) for r in free}
        for signs in itertools.product([Q(1), Q(-1)], repeat=len(free)):
            ch = dict(zip(free, signs))
            if sign_ok(ch):
                return ch
        raise Infeasible('positive mode: no sign choice')
    t = sp.Symbol('t_inv')
    G = sp.groebner(minors + [t * sp.Mul(*used) - 1], *used, t, order='lex')
    if list(G.exprs) == [1]:
        raise Infeasible('rank condition: Nullstellensatz (Groebner basis = 1), no nonzero complex solution', {'minors': 'groebner'})
    sols = sp.solve(minors, used, dict=True)
    for sol in sols:
        for vals in itertools.product([1, -1, 2, -2, 3], repeat=len(used)):
            sub_ = {u: sp.Integer(v) for u, v in zip(used, vals)}
            full = {u: sp.nsimplify(sol.get(u, u)).subs(sub_) for u in used}
            if not all(x.is_rational and x != 0 for x in full.values()):
                continue
            ch = {rinv[u]: Q(int(sp.fraction(full[u])[0]), int(sp.fraction(full[u])[1])) for u in used}
            for other in free:
                ch.setdefault(other, Q(1))
            Mv = Mx.subs(full)
            if Mv.rank() <= K and sign_ok(ch):
                return ch
    raise Infeasible('UNDECIDED: rank condition with %d free scalars, no rational point found' % len(used))


def lul_construct(T, p, K, E, Om):
    """The construction of the sufficiency proof.  Returns chain (split (p | n - p + K))."""
    n = T.nrows(); a = n - p
    T11, T12, T21, T22 = blocks_of(T, p)
    Pi = [1 / w for w in Om]
    A0 = solve_right(T12, T22 - diag(Pi))   # A0 T12 = T22 - Pi
    assert A0 is not None, '(b) fails'
    F0 = T11 - diag(E) - T12 * diag(Om) * T21 + T12 * diag(Om) * A0 * T11
    Cf = left_kernel(T12)
    if Cf is None:
        assert F0 == zeros(p, p), 'F0 must vanish when T12 has full row rank'
        A2x = A0
        C = zeros(K, p); W = zeros(p, K)
    else:
        CT = Cf * T11
        G = solve_right(CT, F0)
        assert G is not None, '(a) fails: rows of F0 not in rowspace(Cf T11)'
        Rc = solve_general(Cf, eye(Cf.nrows()))   # Cf Rc = I
        Gp = Rc * (Cf * G)
        Ypp = solve_general(T12, Gp - G)
        assert Ypp is not None
        Y = diag(Pi) * Ypp
        A2x = A0 + Y * Cf
        F = T11 - diag(E) - T12 * diag(Om) * T21 + T12 * diag(Om) * A2x * T11
        assert F == Gp * CT
        # rank factorisation Gp = W0 C0 with C0: K x (p - r)
        M = Cf * G   # (p-r) x (p-r), Gp = Rc M
        Rr, rk = M.rref()
        assert rk <= K, 'rank condition (c) fails'
        C0 = zeros(K, M.ncols())
        for i in range(rk):
            for j in range(M.ncols()):
                C0[i, j] = Rr[i, j]
        # W0 with W0 C0 = Gp
        W0 = solve_right(C0, Gp) if rk > 0 else zeros(p, K)
        assert W0 is not None and W0 * C0 == Gp
        C = C0 * Cf; W = W0
        assert (C * T12) == zeros(K, a)
    D1x = [Q(1)] * a; D2x = Pi
    A1x = diag([1 / d for d in D2x]) * (T21 - A2x * T11)
    A1z = -(C * T11); Bz = -W; A2z = C
    A1 = blocks([[A1x], [A1z]]) if K > 0 else A1x
    A2 = blocks([[A2x], [A2z]]) if K > 0 else A2x
    B = blocks([[T12, Bz]]) if K > 0 else T12
    return [L(A1, D1x + [Q(1)] * K), U(B, E), L(A2, D2x + [Q(1)] * K)]


def decide_lul(T, p, K, positive=False):
    """Returns ('yes', chain) or raises Infeasible."""
    n = T.nrows(); a = n - p
    assert 0 < p < n
    facts, val = monomial_system(T, p, positive, K)
    ch = rank_condition(T, p, K, val, positive)
    def value(node):
        r, v = val[node]
        return v * (ch[r] if r != 'one' else 1)
    E = [value(('E', i)) for i in range(p)]
    Om = [value(('O', j)) for j in range(a)]
    chain = lul_construct(T, p, K, E, Om)
    ok = check_padded(chain, p, n + K - p, T, positive)
    assert ok, 'construction failed the exact check'
    return chain


def swap_parts(T, p):
    """[[T22, T21], [T12, T11]]: the target for the swapped split (a | p)."""
    T11, T12, T21, T22 = blocks_of(T, p)
    return blocks([[T22, T21], [T12, T11]])


def decide_ulu(T, p, K, positive=False):
    """U L U (application order): padding idle; unpadded ULU of split (p | a) = LUL of
    the swapped split (a | p) with K = 0.  Returns a padded chain."""
    n = T.nrows(); a = n - p
    Ts = swap_parts(T, p)
    ch = decide_lul(Ts, a, 0, positive)
    # lower layer of split (a|p) on Ts == upper layer of split (p|a) on T (same blocks)
    out = []
    q = a + K
    for kind, shift, scale in ch:
        if kind == 'L':   # shift p x a, scale p -> upper layer of (p | q): shift p x q
            B = blocks([[shift, zeros(p, K)]]) if K > 0 else shift
            out.append(('U', B, scale))
        else:             # upper of (a|p): shift a x p, scale a -> lower of (p|q): shift q x p
            A = blocks([[shift], [zeros(K, p)]]) if K > 0 else shift
            out.append(('L', A, list(scale) + [Q(1)] * K))
    assert check_padded(out, p, q, T, positive)
    return out


if __name__ == '__main__':
    rng = np.random.default_rng(3)
    # sanity: generic T, a = 1 and K >= n - 2: yes
    for n in range(2, 9):
        for K in range(max(0, n - 2), n + 1):
            T = rand_int_matrix(n, rng)
            try:
                ch = decide_lul(T, n - 1, K)
                print(n, K, 'LUL p=n-1 yes, bits', chain_bits(ch))
            except Infeasible as e:
                print(n, K, 'no:', e.reason)
