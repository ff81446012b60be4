import numpy as np, sys
from families import *
from construct import construct
from layers import cond, product
from balance import balance
from refit import round_chain
from certify import round_layer
rel = lambda P, W: np.linalg.norm(P - W)/np.linalg.norm(W)
c = int(sys.argv[1])
for name, W in [("lu", glow_lu(c)), ("svd1e2", svd_family(c, 1e2)), ("svd1e3", svd_family(c, 1e3)), ("svd1e4", svd_family(c, 1e4)), ("gauss", gaussian(c))]:
    ch, _ = construct(W, alpha=0.3)
    b, best = balance(ch)
    e0 = rel(product([round_layer(l, 24)[0] for l in round_chain(ch, W, 'next')]), W)
    e1 = rel(product([round_layer(l, 24)[0] for l in round_chain(b, W, 'next')]), W)
    print(f"{name} c={c}: worst cond {max(cond(l) for l in ch):.0f} -> balanced {best:.0f} ({' '.join('%.0f' % cond(l) for l in b)}); f32 err {e0:.1e} -> {e1:.1e}; float64 product check {rel(product(b), W):.1e}", flush=True)
