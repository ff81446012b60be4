import numpy as np, itertools
from families import *
from construct import construct, make_positive
from layers import cond, product
from refit import round_chain
from certify import round_layer, certify
from fractions import Fraction
rel = lambda P, W: np.linalg.norm(P - W) / np.linalg.norm(W)
def check(name, W):
    try:
        ch, info = construct(W, alpha=0.3)
        c = max(cond(l) for l in ch)
        e64 = rel(product(ch), W)
        r32 = round_chain(ch, W, 'next')
        ints = [round_layer(l, 24)[1] for l in r32]
        cr = certify(ints, W)
        pos = ''
        if np.linalg.det(W) > 0:
            pc, carry = make_positive(ch)
            pos = 'positive ok' if np.all(carry > 0) else 'POSITIVE FAILED'
        print(f"{name}: K={len(ch)} worst cond {c:.1f} float64 err {e64:.1e} certified f32 {cr['rel']:.2e} {pos}")
    except Exception as e:
        print(f"{name}: ERROR {e!r}")
d = 6; n = 12
I = np.eye(n)
J = np.block([[0*np.eye(d), -np.eye(d)], [np.eye(d), 0*np.eye(d)]])
perm = np.eye(n)[np.random.default_rng(3).permutation(n)]
swap = np.block([[0*np.eye(d), np.eye(d)], [np.eye(d), 0*np.eye(d)]])
cases = {'I': I, '-I': -I, 'J': J, 'swap halves': swap, 'random permutation': perm,
         'diag(-1,1,..)': np.diag([-1.] + [1.] * (n - 1)), 'diag(-1,-1,1..) same half': np.diag([-1., -1.] + [1.] * (n - 2)),
         'block diag rotations': np.block([[glow_rotation(d, 5), 0*np.eye(d)], [0*np.eye(d), glow_rotation(d, 6)]]),
         '2*I': 2 * I, 'diag(1..12)': np.diag(np.arange(1., 13.)), 'upper unit triangular': np.triu(np.ones((n, n))) / 3 + np.eye(n) * 2 / 3}
for k, W in cases.items():
    check(k, W)
worst = {}
for fam, mk in [('rot', glow_rotation), ('lu', glow_lu)]:
    for c in [24, 96]:
        conds, errs = [], []
        for seed in range(1, 21):
            W = mk(c, seed)
            ch, info = construct(W, alpha=0.3)
            conds.append(max(cond(l) for l in ch))
            r32 = round_chain(ch, W, 'next')
            errs.append(rel(product([round_layer(l, 24)[0] for l in r32]), W))
        print(f"{fam} c={c} seeds 1..20: worst layer cond median {np.median(conds):.1f} max {max(conds):.1f}; f32 error (float64 eval) median {np.median(errs):.1e} max {max(errs):.1e}", flush=True)
