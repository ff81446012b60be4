"""Share of random integer matrices (entries in [-9, 9]) that get four layers, both modes."""
import sys, time
from lib import *
from search import four_any
from vieta3 import four_vieta_any
n = int(sys.argv[1]); count = int(sys.argv[2])
rng = random.Random(2024 + n)
for positive in [False, True]:
    ok = 0; tot = 0; t0 = time.time(); maxbits = 0; fails = []
    while tot < count:
        t = rand_invertible(n, rng=rng, positive=positive)
        tot += 1
        if n == 4:
            lay = four_any(t, positive, random.Random(tot))
        else:
            lay = four_vieta_any(t, positive)
        if lay is not None:
            assert check(t, lay, positive) and len(lay) <= 4
            ok += 1
            maxbits = max(maxbits, bits(lay))
        else:
            fails.append(fmt(t))
    print('n=%d positive=%s: %d/%d four layers (max bits %d), %.1fs' % (n, positive, ok, tot, maxbits, time.time() - t0), flush=True)
    for f in fails[:5]:
        print('   fail:', f)
