import sys, time, itertools
from tri import six_layers, six_any
from lib import *
n = int(sys.argv[1]); mode = sys.argv[2]; limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
positive = mode == 'positive'
rng = random.Random(7)
perms = list(itertools.permutations(range(n)))
if limit:
    perms = rng.sample(perms, min(limit, len(perms)))
fails = []
hist = {}
t0 = time.time()
cnt = 0
for p in perms:
    sign_sets = [tuple([1] * n)] + [tuple(rng.choice([1, -1]) for _ in range(n)) for _ in range(2)]
    if n == 4:
        sign_sets = list(itertools.product([1, -1], repeat=n))
    for s in sign_sets:
        t = perm_matrix(p, s)
        if positive and t.det() < 0:
            continue
        r = six_any(t, positive, tries=30)
        cnt += 1
        if r is None:
            fails.append((p, s))
        else:
            hist[len(r)] = hist.get(len(r), 0) + 1
print(n, mode, 'tested', cnt, 'lengths', sorted(hist.items()), 'fails', len(fails), fails[:10], '%.0fs' % (time.time() - t0))
