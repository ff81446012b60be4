import numpy as np, time, sys
from families import *
from construct import *
from layers import *
from refit import *
rel = lambda P, W: np.linalg.norm(P - W)/np.linalg.norm(W)
c = int(sys.argv[1])
for name, W in [("rot", glow_rotation(c)), ("lu", glow_lu(c)), ("svd100", svd_family(c, 100))]:
    ch, info = construct(W, alpha=0.3)
    out = [f"{name} c={c} float64 {rel(product(ch), W):.1e}"]
    for mode in ['naive', 'next', 'all']:
        t0 = time.time()
        r = round_chain(ch, W, mode)
        out.append(f"{mode} {rel(product(r), W):.2e} ({time.time()-t0:.1f}s, cond {max(cond(l) for l in r):.0f})")
    r = round_chain(ch, W, 'all', rnd=lambda x: x)
    out.append(f"f64-refit {rel(product(r), W):.1e}")
    print(' | '.join(out), flush=True)
