"""Test weights. glow_rotation / glow_lu mirror couplings::analysis::families
(SplitMix64, Box-Muller, nalgebra column-major from_fn, QR with positive R
diagonal, det fix); they may differ from the Rust ones in the last float64 bit
before the float32 rounding, which does not matter here. Extra families:
svd_family (prescribed singular values between random rotations)."""
import math
import numpy as np

MASK = (1 << 64) - 1


class Rng:
    def __init__(self, seed):
        self.s = seed & MASK

    def next_u64(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return ((self.next_u64() >> 11) + 0.5) / float(1 << 53)

    def normal(self):
        u, v = self.uniform(), self.uniform()
        return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * v)

    def permutation(self, n):
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next_u64() % (i + 1)
            p[i], p[j] = p[j], p[i]
        return p


def f32(m):
    return np.asarray(m, dtype=np.float64).astype(np.float32).astype(np.float64)


def _rotation(c, rng):
    g = np.zeros((c, c))
    for j in range(c):          # nalgebra from_fn is column-major
        for i in range(c):
            g[i, j] = rng.normal()
    q, r = np.linalg.qr(g)
    q = q * np.sign(np.diag(r))[None, :]
    if np.linalg.det(q) < 0:
        q[:, 0] = -q[:, 0]
    return q


def glow_rotation(c, seed=1):
    return f32(_rotation(c, Rng(seed)))


def glow_lu(c, seed=1):
    rng = Rng(seed)
    sd = 1.0 / math.sqrt(c)
    l = np.eye(c)
    u = np.zeros((c, c))
    for i in range(c):
        for j in range(c):
            x = rng.normal() * sd
            if i > j:
                l[i, j] = x
            elif i < j:
                u[i, j] = x
    for i in range(c):
        sign = 1.0 if rng.next_u64() % 2 == 0 else -1.0
        u[i, i] = sign * math.exp(0.5 * rng.normal())
    perm = rng.permutation(c)
    p = np.zeros((c, c))
    for j, i in enumerate(perm):
        p[i, j] = 1.0
    return f32(p @ l @ u)


def svd_family(c, cond, seed=1, negative=False):
    """U diag(sigma) V^T with log-uniform sigma in [1/sqrt(cond), sqrt(cond)]."""
    rng = np.random.default_rng(seed)
    u = np.linalg.qr(rng.standard_normal((c, c)))[0]
    v = np.linalg.qr(rng.standard_normal((c, c)))[0]
    sig = np.exp(np.linspace(-0.5, 0.5, c) * math.log(cond))
    w = u @ np.diag(sig) @ v.T
    if (np.linalg.det(w) < 0) != negative:
        w[:, 0] = -w[:, 0]
    return f32(w)


def gaussian(c, seed=1):
    rng = np.random.default_rng(seed)
    return f32(rng.standard_normal((c, c)) / math.sqrt(c))
