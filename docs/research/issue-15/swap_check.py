"""Swap family T = [[0, A], [B, 0]]: the identity A G(X, V) B + F(X, V) = 0 for all X, V
(d = 1..5, random), and the 5-layer upper bound for examples/lower_bound_{4,6,8}.txt."""
from lib import *
from four import FG
import subprocess, json
rng = random.Random(1)
for d in range(1, 6):
    for _ in range(20):
        a = rand_invertible(d, rng=rng); b = rand_invertible(d, rng=rng)
        t = from_blocks(zeros(d), a, b, zeros(d))
        x = rand_int_mat(d, -5, 5, rng); v = rand_int_mat(d, -5, 5, rng)
        f, g = FG(t, x, v)
        assert a * g * b + f == zeros(d)
print('identity A G B + F = 0 verified, d = 1..5')
for n in [4, 6, 8]:
    for mode in ['signed', 'positive']:
        out = subprocess.run(['./couplings-bin', 'decompose', '/work/main/examples/lower_bound_%d.txt' % n,
                              '--mode', mode, '--format', 'json'], capture_output=True, text=True)
        try:
            k = len(json.loads(out.stdout)['layers'])
        except Exception:
            k = out.stderr.strip()[:80]
        print('lower_bound_%d %s: decompose gives' % (n, mode), k)
