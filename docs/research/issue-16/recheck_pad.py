"""Independent re-checker for padded three-layer lower-bound certificates.

It imports only exact matrix arithmetic (ex.py: products, differences, det, blocks)
and flint polynomials; it never calls the decision procedure (lul3.py) or any
inverse/rank/kernel routine on its own: every inverse or kernel vector in a
certificate is verified by multiplication.

A certificate says: for the split (p | q) of n + K coordinates (padded last), no
chain of at most three layers maps [x; 0] to [T x; 0].  Shorter shapes are special
cases of L U L and U L U (identity layers allowed), so the certificate has two parts:
  "LUL": why L U L fails,  "ULU": why U L U fails.

Part for p < n (a = n - p), L U L.  Unknowns: E_i (i < p), W_j (j < a) (= Omega),
nonzero, positive in positive mode.  Facts (each an equation every solution obeys;
docs: theorem (a), (b), (c)):
  {"ratio": [i, j]}          S12[i,j] E_i + T12[i,j] W_j = 0
  {"kernel": [v, j]}         (T22 k_v)_j W_j = (k_v)_j          (T12 k_v = 0 verified)
  {"leftkernel": [r, j]}     only with K = 0: C[r, j] E_j = (C T11)[r, j]  (C T12 = 0 verified)
A monomial fact is coef * monomial = val; "contradiction" is
  {"single": f}                      coef or val zero (not both), or val/coef <= 0 (positive)
  {"combination": [[f, m], ...]}     exponents cancel, prod (val/coef)^m != 1
  {"rank": {...}}                    see check_rank
U L U for p < n is L U L of the swapped matrix [[T22, T21], [T12, T11]] with split
(a | p) and K = 0 (the padding is idle), so its part has the same format with
"swapped": true.
For p >= n: L U L needs rank(T - E) <= q: {"disjoint_minor": [R, C]} (R, C disjoint,
|R| = |C| = q + 1, det T[R, C] != 0); U L U needs T diagonal: {"offdiag": [i, j]}
(T[i,j] != 0, i != j) or in positive mode {"nonpositive_diag": i}.
"""
import json
import flint
from ex import *


class Reject(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise Reject(msg)


def qmat(rows):
    return fmpq_mat([[Q(x) if not isinstance(x, str) else parse(x) for x in r] for r in rows])


def parse(s):
    if isinstance(s, (int,)):
        return Q(s)
    if '/' in s:
        a, b = s.split('/')
        return Q(int(a), int(b))
    return Q(int(s))


def blocks_of(T, p):
    n = T.nrows()
    return (sub(T, 0, p, 0, p), sub(T, 0, p, p, n), sub(T, p, n, 0, p), sub(T, p, n, p, n))


def monomial(fact, T, S, p, kern, lk):
    """Returns (coef, exps, val) with exps a dict var -> exponent."""
    n = T.nrows(); a = n - p
    T11, T12, T21, T22 = blocks_of(T, p)
    S11, S12, S21, S22 = blocks_of(S, p)
    if 'ratio' in fact:
        i, j = fact['ratio']
        need(0 <= i < p and 0 <= j < a, 'ratio index out of range')
        s, t = S12[i, j], T12[i, j]
        # s E_i + t W_j = 0  <=>  s * (E_i W_j^-1) = -t   (W_j != 0)
        return (s, {('E', i): 1, ('W', j): -1}, -t)
    if 'kernel' in fact:
        v, j = fact['kernel']
        k = kern[v]
        w = T22 * k
        return (w[j, 0], {('W', j): 1}, k[j, 0])
    if 'leftkernel' in fact:
        r, j = fact['leftkernel']
        c = lk[r]
        ct = c * T11
        return (c[0, j], {('E', j): 1}, ct[0, j])
    raise Reject('unknown fact %r' % fact)


def check_single(m, positive):
    coef, exps, val = m
    if coef == 0 and val != 0:
        return True
    if coef != 0 and val == 0:
        return True           # a nonzero monomial cannot vanish
    if positive and coef != 0 and val != 0 and (val / coef) < 0:
        return True
    if not exps and coef != val and coef != 0:
        return True
    return False


def check_part(T, K, p, positive, part):
    n = T.nrows(); a = n - p
    S = qmat(part['inverse'])
    need(T * S == eye(n), 'inverse does not verify')
    T11, T12, T21, T22 = blocks_of(T, p)
    kern = [qmat([[x] for x in v]) for v in part.get('kernel', [])]
    for k in kern:
        need(k.nrows() == a and T12 * k == zeros(p, 1), 'kernel vector does not verify')
        need(any(k[i, 0] != 0 for i in range(a)), 'zero kernel vector')
    lk = [qmat([v]) for v in part.get('left_kernel', [])]
    for c in lk:
        need(c.ncols() == p and c * T12 == zeros(1, a), 'left kernel vector does not verify')
    facts = part['facts']
    for f in facts:
        if 'leftkernel' in f:
            need(K == 0, 'left kernel pins are only valid for K = 0')
    mons = [monomial(f, T, S, p, kern, lk) for f in facts]
    con = part['contradiction']
    if 'single' in con:
        need(check_single(mons[con['single']], positive), 'single fact is satisfiable')
        return
    if 'combination' in con:
        tot = {}
        prod = Q(1)
        for f, m in con['combination']:
            coef, exps, val = mons[f]
            need(coef != 0 and val != 0, 'combination uses a degenerate fact')
            for v, e in exps.items():
                tot[v] = tot.get(v, 0) + m * e
            r = val / coef
            prod *= r ** m if m >= 0 else (1 / r) ** (-m)
        need(all(e == 0 for e in tot.values()), 'monomials do not cancel')
        need(prod != 1, 'product of ratios is 1: no contradiction')
        return
    if 'rank' in con:
        check_rank(T, K, p, positive, mons, con['rank'], lk)
        return
    raise Reject('unknown contradiction')


def check_rank(T, K, p, positive, mons, rk, lk):
    """All solutions of the tree facts have E = mu E0 (one scalar); for every admissible
    rational mu, rank(C (T11 - mu E0)) > K, where C = rows of rk['C'] (C T12 = 0)."""
    n = T.nrows(); a = n - p
    T11, T12, T21, T22 = blocks_of(T, p)
    # propagate the tree: values relative to the root variable rk['root'] = 1
    root = tuple(rk['root']); val = {root: Q(1)}
    pending = list(rk['tree'])
    progress = True
    while pending and progress:
        progress = False
        for f in list(pending):
            coef, exps, v = mons[f]
            need(coef != 0 and v != 0 and len(exps) == 2, 'tree fact must be a ratio edge')
            (x, ex_), (y, ey) = list(exps.items())
            r = v / coef          # x^ex y^ey = r
            if x in val and y not in val:
                val[y] = (r / val[x] ** ex_) ** ey if ey == 1 else (val[x] ** ex_ / r)
                pending.remove(f); progress = True
            elif y in val and x not in val:
                val[x] = (r / val[y] ** ey) ** ex_ if ex_ == 1 else (val[y] ** ey / r)
                pending.remove(f); progress = True
    need(not pending, 'tree facts do not connect')
    need(len(rk['tree']) == len(val) - 1, 'not a tree')
    for i in range(p):
        need(('E', i) in val, 'E_%d not reached by the tree' % i)
    E0 = [val[('E', i)] for i in range(p)]
    allvals = list(val.values())
    C = qmat(rk['C'])
    need(C.ncols() == p and C * T12 == zeros(C.nrows(), a), 'C does not annihilate T12')
    R, Cc = rk['rows'], rk['cols']
    r = len(R)
    need(r == len(Cc) and r > K, 'minor must have size > K')

    def Mx(mu):
        return C * (T11 - diag([mu * e for e in E0]))

    def minor(M, rows, cols):
        return fmpq_mat([[M[i, j] for j in cols] for i in rows]).det()

    poly = flint.fmpq_poly([parse(x) for x in rk['poly']])
    need(poly.degree() <= r, 'degree bound')
    for t in range(r + 1):
        x = Q(t + 2)
        need(poly(x) == minor(Mx(x), R, Cc), 'poly does not match the minor at mu = %s' % x)
    need(not poly.is_zero(), 'zero polynomial')
    # admissible sign of mu (positive mode: every propagated value times mu must be > 0)
    def admissible(mu):
        if mu == 0:
            return False
        if positive:
            return all(v * mu > 0 for v in allvals)
        return True
    h = poly
    for entry in rk.get('roots', []):
        mu = parse(entry['root'])
        need(poly(mu) == 0, 'listed root is not a root')
        if admissible(mu):
            rr, cc = entry['minor']
            need(len(rr) == K + 1 and len(cc) == K + 1, 'witness minor must have size K + 1')
            need(minor(Mx(mu), rr, cc) != 0, 'witness minor vanishes at the root')
        # divide out the root completely
        lin = flint.fmpq_poly([-mu, 1])
        while h.degree() >= 1 and h(mu) == 0:
            h = h // lin
    cof = flint.fmpq_poly([parse(x) for x in rk['cofactor']])
    need(cof == h, 'cofactor mismatch')
    if cof.degree() >= 1:
        ell = int(rk['prime'])
        need(ell > 1 and all(ell % d for d in range(2, int(ell ** 0.5) + 1)), 'not a prime')
        num, den = cof.numer(), cof.denom()
        coeffs = [int(c) for c in num.coeffs()]
        need(coeffs[-1] % ell != 0, 'prime divides the leading coefficient')
        for x in range(ell):
            need(sum(c * pow(x, e, ell) for e, c in enumerate(coeffs)) % ell != 0, 'cofactor has a root mod %d' % ell)


def check_pge(T, K, p, positive, part, shape):
    n = T.nrows(); q = n + K - p
    if shape == 'LUL':
        R, C = part['disjoint_minor']
        need(len(R) == len(C) == q + 1 and not set(R) & set(C), 'minor must be (q+1) x (q+1) with disjoint rows/cols')
        need(fmpq_mat([[T[i, j] for j in C] for i in R]).det() != 0, 'minor vanishes')
    else:
        if 'offdiag' in part:
            i, j = part['offdiag']
            need(i != j and T[i, j] != 0, 'not an off-diagonal nonzero')
        else:
            i = part['nonpositive_diag']
            need(positive and T[i, i] <= 0, 'diagonal entry positive')


def recheck(T, cert):
    n = T.nrows(); K = cert['K']; p = cert['split'][0]
    need(cert['split'][0] + cert['split'][1] == n + K, 'split does not add up')
    positive = cert['mode'] == 'positive'
    if positive and T.det() < 0 and False:
        pass
    for shape in ('LUL', 'ULU'):
        part = cert[shape]
        if p >= n:
            check_pge(T, K, p, positive, part, shape)
        elif shape == 'LUL':
            check_part(T, K, p, positive, part)
        else:
            T11, T12, T21, T22 = blocks_of(T, p)
            Ts = blocks([[T22, T21], [T12, T11]])
            check_part(Ts, 0, n - p, positive, part)
    return True
