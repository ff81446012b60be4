import numpy as np, time, sys
from families import *
from construct import *
from refit import round_chain
from refine import refine
from certify import certify, round_layer
c = int(sys.argv[1])
for name, W in [("rot", glow_rotation(c)), ("lu", glow_lu(c))]:
    ch, info = construct(W, alpha=0.3)
    t0 = time.time()
    chr_, ints, hist = refine(ch, W, 53, iters=2)
    r = certify(ints, W, eps=__import__('fractions').Fraction(1, 10**14))
    print(f"{name} c={c} f64 refine history {['%.1e' % h for h in hist]} certified {r['rel']:.2e} ok={r['ok']} maxbits={r['max_bits']} ({time.time()-t0:.1f}s)")
    ch32 = round_chain(ch, W, 'next')
    chr_, ints, hist = refine(ch32, W, 24, iters=1)
    r = certify(ints, W)
    print(f"{name} c={c} f32 next-refit+refine history {['%.1e' % h for h in hist]} certified {r['rel']:.2e} ok={r['ok']} maxbits={r['max_bits']}")
