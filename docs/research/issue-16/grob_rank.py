"""Groebner cross-check of a 'no' answer that comes from the rank condition (c)
(n = 4, K = 1, split (3 | 2)), and of a 'yes' answer from a rational root."""
import time, sympy as sp, numpy as np
from ex import *
from lul3 import decide_lul, Infeasible
from grob_check import raw_system
rng = np.random.default_rng(8)
found = {'no': None, 'yes': None}
while None in found.values():
    T = mat([[int(x) for x in rng.integers(-3, 4, size=4)] for _ in range(4)])
    if T.det() == 0 or any(T[i, 3] == 0 for i in range(3)):
        continue
    try:
        decide_lul(T, 3, 1); k = 'yes'
    except Infeasible as e:
        k = 'no' if 'rank condition' in e.reason else None
    if k and found[k] is None:
        found[k] = T
for k, T in found.items():
    eqs, syms = raw_system(T, 3, 1)
    t0 = time.time()
    G = sp.groebner(eqs, *syms, order='grevlex')
    print(k, [[str(T[i, j]) for j in range(4)] for i in range(4)], 'unit ideal:', list(G.exprs) == [1], '(%.0fs)' % (time.time() - t0), flush=True)
