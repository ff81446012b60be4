import numpy as np, time, sys
from families import *
from construct import *
from layers import *
from refit import *
from certify import *
c = int(sys.argv[1])
for name, W in [("rot", glow_rotation(c)), ("lu", glow_lu(c))]:
    ch, info = construct(W, alpha=0.3)
    for bits, eps in [(24, 1e-6), (53, 1e-14)]:
        rnd = lambda x, bits=bits: x  # placeholder
        # naive BFP rounding
        ints = [round_layer(l, bits)[1] for l in ch]
        r = certify(ints, W)
        # 'next' refit with BFP rounding of each layer as it is fixed
        def rndl(x): return x
        print(f"{name} c={c} bits={bits} naive certified rel {r['rel']:.3e} S={r['S']} maxbits={r['max_bits']} FW={r['FW']} t={r['t_all']:.2f}s")
