import sys, time, signal
import sympy as sp, numpy as np
from ex import *
from lul3 import decide_lul, Infeasible
from grob_check import raw_system
rng = np.random.default_rng(5)
n, K, p = 4, 1, 3
for trial in range(4):
    T = mat([[int(x) for x in rng.integers(-2, 3, size=n)] for _ in range(n)])
    if T.det() == 0: continue
    try:
        decide_lul(T, p, K); verdict = 'yes'
    except Infeasible as e:
        verdict = 'no: ' + e.reason
    eqs, syms = raw_system(T, p, K)
    t0 = time.time()
    G = sp.groebner(eqs, *syms, order='grevlex')
    unit = list(G.exprs) == [1]
    print('%-80s unit=%s (%.0fs)' % (verdict[:80], unit, time.time() - t0), flush=True)
