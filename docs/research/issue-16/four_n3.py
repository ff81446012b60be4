"""Exact 'four layers?' for n = 3, K = 1 on the census failures (signed 3-cycles):
a four-layer chain is an ordinary upper layer U0 = [[E0, B0], [0, I]] (split (p | a) of x)
at either end plus a padded L U L (Lemma 3), so it exists iff T' = T U0^-1 (U0 first) or
T' = U0^-1 T (U0 last) satisfies Theorem 4 (a), (b), (c) for some U0.  For n = 3, K = 1:
p = 2 (a = 1): (c) is automatic (C has <= 1 row unless T'12 = 0);
p = 1 (a = 2): (c) is automatic (C is empty unless T'12 = 0, then C = [1], rank <= 1).
p = 3 (= n): depth is odd (Theorem 5), so four layers are never needed there.
Each branch (T'12 = 0 or not) is a polynomial system; its Groebner basis over Q with
t * prod(unknown scales) = 1 decides solvability over C (unit ideal = impossible)."""
import sympy as sp, itertools, time, sys

def cyc(sgn):
    return sp.Matrix([[0, 0, sgn[0]], [sgn[1], 0, 0], [0, sgn[2], 0]])

def decide4(T, positive=False):
    n = 3; res = {}
    for p in (1, 2):
        a = n - p
        e0 = sp.symbols('e0_0:%d' % p); b = sp.Matrix(p, a, lambda i, j: sp.Symbol('b_%d_%d' % (i, j)))
        E = sp.symbols('E0:%d' % p); W = sp.symbols('W0:%d' % a)
        U0 = sp.Matrix.vstack(sp.Matrix.hstack(sp.diag(*e0), b), sp.Matrix.hstack(sp.zeros(a, p), sp.eye(a)))
        for order in ('first', 'last'):
            Tp = T * U0.inv() if order == 'first' else U0.inv() * T
            Tp = sp.simplify(Tp)
            Sp = sp.simplify(Tp.inv())
            T11, T12, T22 = Tp[:p, :p], Tp[:p, p:], Tp[p:, p:]
            S12 = Sp[:p, p:]
            eqa = list(sp.diag(*E) * S12 + T12 * sp.diag(*W))
            t = sp.Symbol('t')
            nonzero = [t * sp.Mul(*e0) * sp.Mul(*E) * sp.Mul(*W) - 1]
            ok_any = False
            branches = []
            # branch A: T12 != 0 (some entry nonzero) -- encode with an auxiliary inverse
            for idx in range(p * a):
                u = sp.Symbol('u')
                eqs = eqa + [u * list(T12)[idx] - 1]
                # (b): kernel of T12
                if p == 1 and a == 2:
                    k = sp.Matrix([T12[0, 1], -T12[0, 0]])
                    eqs += list(sp.diag(*W) * T22 * k - k)
                branches.append(('T12!=0 via entry %d' % idx, eqs, [u]))
            # branch B: T12 = 0
            eqs = eqa + list(T12) + list(sp.diag(*W) * T22 - sp.eye(a))
            if p == 2:
                # (c): rank(T11 - E) <= 1
                eqs += [(T11 - sp.diag(*E)).det()]
            branches.append(('T12=0', eqs, []))
            for name, eqs, extra in branches:
                eqs = [sp.numer(sp.together(e)) for e in eqs] + nonzero
                syms = list(e0) + list(b) + list(E) + list(W) + [t] + extra
                G = sp.groebner(eqs, *syms, order='grevlex')
                unit = list(G.exprs) == [1]
                res[(p, order, name)] = not unit
                if not unit:
                    ok_any = True
    return res

if __name__ == '__main__':
    for sgn in [(1, 1, 1), (-1, -1, -1), (-1, 1, 1), (1, -1, -1)]:
        T = cyc(sgn)
        t0 = time.time()
        r = decide4(T)
        possible = [k for k, v in r.items() if v]
        print('T = signed 3-cycle', sgn, 'det', T.det(), ': four layers possible (over C) in branches', possible or 'NONE', '(%.0fs)' % (time.time() - t0), flush=True)
