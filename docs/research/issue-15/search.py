"""Randomised exact search for short decompositions at d = 2 (upper bounds), used for the
4x4 tables and the families. Every result is multiplied back exactly (check)."""
from lib import *
from d2 import try_x
from conic import four_conic
import subprocess, tempfile, os


def merge(layers):
    out = []
    for l in layers:
        if out and out[-1][0] == l[0]:
            k, s1, c1 = out[-1]
            _, s2, c2 = l
            # later layer l acts after out[-1]: l * prev
            if k == 'L':   # L(A2,D2) L(A1,D1) = L(A2 + D2 A1, D2 D1)
                out[-1] = ('L', s2 + diag(c2) * s1, [c2[i] * c1[i] for i in range(len(c1))])
            else:          # U(B2,E2) U(B1,E1) = U(E2 B1 + B2, E2 E1)
                out[-1] = ('U', diag(c2) * s1 + s2, [c2[i] * c1[i] for i in range(len(c1))])
        else:
            out.append(l)
    # drop identity layers
    return [l for l in out if not (l[1] == zeros(l[1].nrows()) and all(c == 1 for c in l[2]))]


def swapped(layers):
    return [(('U' if k == 'L' else 'L'), s, c) for (k, s, c) in layers]


def four_any(t, positive=False, rng=None, tries=30):
    rng = rng or random.Random(0)
    if positive and t.det() <= 0:
        return None
    for tt, sw in [(t, False), (swap(t), True)]:
        lay = four_conic(tt, positive)
        if lay is not None:
            return swapped(lay) if sw else lay
    xs = [zeros(2)]
    for k in range(4):
        e = zeros(2); e[k // 2, k % 2] = 1; xs.append(e)
    while len(xs) < tries:
        xs.append(rand_int_mat(2, -3, 3, rng))
    for x in xs:
        for tt, sw in [(t, False), (swap(t), True)]:
            lay = try_x(tt, x, positive, rng)
            if lay is not None:
                return swapped(lay) if sw else lay
    return None


def rand_layer(kind, rng, positive, lo=-2, hi=2):
    sh = rand_int_mat(2, lo, hi, rng)
    if positive:
        sc = [Q(rng.choice([1, 1, 2, 3])) for _ in range(2)]
    else:
        sc = [Q(rng.choice([1, -1, 2, -2])) for _ in range(2)]
    return (kind, sh, sc)


def inv_layer(l):
    k, s, c = l
    ci = [1 / x for x in c]
    return (k, -(diag(ci) * s), ci)


def peel_search(t, k, positive=False, seed=0, tries=40):
    """Decomposition with at most k layers (k = 4, 5, 6) by random outer peels + four_any."""
    rng = random.Random(seed)
    n = t.nrows()
    if k <= 4:
        lay = four_any(t, positive, rng)
        return merge(lay) if lay else None
    for trial in range(tries):
        # peel k - 4 layers, split between left and right
        extra = k - 4
        nl = rng.randint(0, extra)
        left = [rand_layer(rng.choice('LU'), rng, positive) for _ in range(nl)]
        right = [rand_layer(rng.choice('LU'), rng, positive) for _ in range(extra - nl)]
        m = t
        for l in left:       # T = l * m  ->  m = l^-1 m
            m = layer_matrix(inv_layer(l)) * m
        for l in right:      # T = m * r  ->  m = m r^-1
            m = m * layer_matrix(inv_layer(l))
        lay = four_any(m, positive, rng, tries=12)
        if lay is None:
            continue
        full = merge(list(reversed(right)) + lay + list(reversed(left)))
        # application order: right peels act first (the last peeled acts first), then m's layers, then left
        if check(t, full, positive) and len(full) <= k:
            return full
        full = merge(right[::-1] + lay + left[::-1])
        if check(t, full, positive) and len(full) <= k:
            return full
    return None


def depth_cli(t, positive=False, binary='./couplings-bin'):
    """Exact depth <= 3 from the crate's decision: returns k in 0..3 or 4 meaning '>= 4'."""
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
        for i in range(t.nrows()):
            f.write(' '.join(str(t[i, j]) for j in range(t.ncols())) + '\n')
        name = f.name
    out = subprocess.run([binary, 'depth', name, '--mode', 'positive' if positive else 'signed'],
                         capture_output=True, text=True).stdout
    os.unlink(name)
    for line in out.splitlines():
        if line.startswith('minimal depth:'):
            if 'at least 4' in line:
                return 4, out
            if 'unknown' in line:
                return None, out
            return int(line.split(':')[1].split()[0]), out
    return None, out
