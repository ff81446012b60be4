import numpy as np, time
from layers import *
from construct import *
from families import *
for c in [12, 24, 48, 96, 192]:
    for name, W in [("rot", glow_rotation(c)), ("lu", glow_lu(c))]:
        t0 = time.time()
        ch, info = construct(W)
        dt = time.time() - t0
        P = product(ch)
        err = np.linalg.norm(P - W) / np.linalg.norm(W)
        conds = [cond(l) for l in ch]
        P32 = product(to_f32(ch))
        err32 = np.linalg.norm(P32 - W) / np.linalg.norm(W)
        pos, carry = make_positive(ch)
        perr = np.linalg.norm(product(pos) - W)/np.linalg.norm(W) if np.all(carry > 0) else float('nan')
        print(f"{name} c={c} det={np.linalg.det(W):+.2e} K={len(ch)} err64={err:.1e} err32(naive)={err32:.1e} worst cond={max(conds):.1f} "
              f"conds={' '.join(f'{x:.0f}' for x in conds)} cond(Q)={np.linalg.cond(info['Q']):.1f} pos={perr:.1e} t={dt:.2f}s")
