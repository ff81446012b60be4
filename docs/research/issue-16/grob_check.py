"""Independent check of the 'no' side of the padded three-layer theorem for n = 3,
K = 1: eliminate the raw layer unknowns (Groebner basis over Q, sympy) and compare
C-emptiness with the decision's reason (monomial / coprime-minor contradictions
must give the unit ideal)."""
import sys, time
import sympy as sp
import numpy as np
from ex import *
from lul3 import decide_lul, Infeasible

def raw_system(T, p, K):
    n = T.nrows(); a = n - p; q = a + K; N = n + K
    syms = []
    def M_(name, r, c):
        m = sp.Matrix(r, c, lambda i, j: sp.Symbol('%s_%d_%d' % (name, i, j)))
        syms.extend(list(m)); return m
    def dg(name, k):
        v = [sp.Symbol('%s_%d' % (name, i)) for i in range(k)]
        syms.extend(v); return v
    A1 = M_('a', q, p); B = M_('b', p, q); A2 = M_('c', q, p)
    D1 = [sp.Integer(1)] * a + [sp.Integer(1)] * K   # D1 on x2 can be absorbed? keep 1 on z only
    D1x = dg('d', a); D1 = D1x + [sp.Integer(1)] * K
    E = dg('e', p); D2 = dg('f', q)
    def Lm(A, D):
        m = sp.eye(N); m[p:, :p] = A; m[p:, p:] = sp.diag(*D); return m
    def Um(B, E):
        m = sp.eye(N); m[:p, p:] = B; m[:p, :p] = sp.diag(*E); return m
    M = Lm(A2, D2) * Um(B, E) * Lm(A1, D1)
    tgt = sp.zeros(N, n)
    for i in range(n):
        for j in range(n):
            tgt[i, j] = sp.Rational(int(T[i, j].p), int(T[i, j].q))
    eqs = [e for e in (M[:, :n] - tgt) if e != 0]
    t = sp.Symbol('t'); syms.append(t)
    scal = D1x + E + D2
    eqs.append(t * sp.Mul(*scal) - 1)
    return eqs, syms

def main():
  rng = np.random.default_rng(11)
  n, K = 3, 1
  done = 0
  while done < 12:
      T = mat([[int(x) if rng.random() < 0.6 else 0 for x in rng.integers(-2, 3, size=n)] for _ in range(n)])
      if T.det() == 0:
          continue
      for p in (1, 2):
          try:
              decide_lul(T, p, K); verdict = 'yes'
          except Infeasible as e:
              verdict = 'no: ' + e.reason
          eqs, syms = raw_system(T, p, K)
          t0 = time.time()
          G = sp.groebner(eqs, *syms, order='grevlex')
          unit = list(G.exprs) == [1]
          print('p=%d %-70s  groebner unit ideal: %s  (%.1fs)' % (p, verdict[:70], unit, time.time() - t0), flush=True)
          if verdict == 'yes' and unit:
              print('CONTRADICTION'); print(T); sys.exit(1)
          if verdict.startswith('no') and ('no rational root' not in verdict) and not unit:
              print('CONTRADICTION (decision no, complex solutions exist)'); print(T); sys.exit(1)
      done += 1
  print('ok')

if __name__ == "__main__":
    main()
