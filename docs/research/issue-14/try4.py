import numpy as np, time, sys
from families import *
from construct import *
from layers import *
from refit import *
from certify import *
c = int(sys.argv[1])
def cert(ch, W, bits):
    return certify([round_layer(l, bits)[1] for l in ch], W)['rel']
for name, W in [("rot", glow_rotation(c)), ("lu", glow_lu(c))]:
    ch, info = construct(W, alpha=0.3)
    r0 = cert(ch, W, 53)
    ch1 = round_chain(ch, W, 'next', rnd=lambda x: x)
    r1 = cert(ch1, W, 53)
    ch2 = round_chain(ch, W, 'all', rnd=lambda x: x)
    r2 = cert(ch2, W, 53)
    # float32 with 'next' refit
    f32r = round_chain(ch, W, 'next')
    r3 = cert(f32r, W, 24)
    print(f"{name} c={c} f64: construct {r0:.2e}  next-refit {r1:.2e}  all-refit {r2:.2e} | f32 next-refit {r3:.2e}")
