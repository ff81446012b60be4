import numpy as np
from families import *
from construct import construct
from balance import balance
from refit import round_chain
from certify import round_layer
from fwd import run
for c in [48, 96]:
    W = glow_lu(c)
    ch, _ = construct(W, alpha=0.3)
    b, best = balance(ch)
    x = np.random.default_rng(0).standard_normal((c, 1024)); ref = W @ x
    for nm, cc in [('plain', ch), ('balanced', b)]:
        r = [round_layer(l, 24)[0] for l in round_chain(cc, W, 'next')]
        y = run(r, W, x)
        print(c, nm, 'fwd32 rel max %.1e mean %.1e' % ((np.linalg.norm(y - ref, axis=0)/np.linalg.norm(ref, axis=0)).max(), (np.linalg.norm(y - ref, axis=0)/np.linalg.norm(ref, axis=0)).mean()), flush=True)
