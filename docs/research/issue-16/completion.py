"""Padding through completion: M = [[T, P], [0, Q]] with P, Q free.  Any decomposition of
M (an ordinary (n+K) x (n+K) target) is a padded decomposition of T.  Here P, Q are
small random integers (det Q > 0 or < 0 to make det M > 0 in positive mode), and M is
handed to the project's `couplings decompose` (shallow strategy, default split).
The result is re-checked with ex.check_padded (M[:, :n] = [[T],[0]])."""
import json, subprocess, tempfile, os
import numpy as np
from ex import *

BIN = '/work/main/target/release/couplings'


def to_text(T):
    return '\n'.join(' '.join(str(T[i, j]) for j in range(T.ncols())) for i in range(T.nrows())) + '\n'


def parse_q(s):
    if '/' in s:
        a, b = s.split('/')
        return Q(int(a), int(b))
    return Q(int(s))


def run_decompose(M, positive=False, split=None, strategy='shallow', timeout=600):
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
        f.write(to_text(M)); name = f.name
    args = [BIN, 'decompose', name, '--format', 'json', '--mode', 'positive' if positive else 'signed', '--strategy', strategy]
    if split is not None:
        args += ['--split', str(split)]
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    finally:
        os.unlink(name)
    if out.returncode != 0:
        return None, out.stderr.strip()[:200]
    js = json.loads(out.stdout)
    p, q = js['split']
    chain = []
    for lay in js['layers']:
        sh = fmpq_mat([[parse_q(x) for x in row] for row in lay['shift']])
        sc = [parse_q(x) for x in lay['scale']]
        chain.append(('L' if lay['kind'] == 'lower' else 'U', sh, sc))
    return (chain, p, q), None


def completion(T, K, rng, positive=False, strategy='shallow', tries=3):
    n = T.nrows()
    best = None
    for _ in range(tries):
        P = mat([[int(rng.integers(-2, 3)) for _ in range(K)] for _ in range(n)])
        while True:
            Qm = mat([[int(rng.integers(-2, 3)) for _ in range(K)] for _ in range(K)])
            if Qm.det() != 0:
                break
        if positive and T.det() * Qm.det() < 0:
            for j in range(K):
                Qm[0, j] = -Qm[0, j]
        M = blocks([[T, P], [zeros(K, n), Qm]])
        res, err = run_decompose(M, positive, strategy=strategy)
        if res is None:
            continue
        chain, p, q = res
        assert check_padded(chain, p, q, T, positive), 'completion result fails the padded check'
        if best is None or len(chain) < len(best[0]):
            best = (chain, p, q)
    return best


if __name__ == '__main__':
    rng = np.random.default_rng(4)
    for n in [4, 8]:
        T = rand_int_matrix(n, rng)
        for K in [1, 2, n // 2]:
            for positive in [False, True]:
                Tp = T
                r = completion(Tp, K, rng, positive)
                print(n, K, positive, None if r is None else (len(r[0]), chain_bits(r[0]), r[1], r[2]))
