"""numpy reproduction of couplings::analysis::families (SplitMix64, Box-Muller)."""
import numpy as np
from fractions import Fraction
from ex import *

M64 = (1 << 64) - 1

class Rng:
    def __init__(self, seed):
        self.s = seed & M64
    def next_u64(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & M64
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)
    def range(self, lo, hi):
        return lo + self.next_u64() % (hi - lo + 1)
    def permutation(self, n):
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next_u64() % (i + 1)
            p[i], p[j] = p[j], p[i]
        return p
    def uniform(self):
        return ((self.next_u64() >> 11) + 0.5) / float(1 << 53)
    def normal(self):
        u, v = self.uniform(), self.uniform()
        return np.sqrt(-2.0 * np.log(u)) * np.cos(2.0 * np.pi * v)

def exact_f32(m):
    return fmpq_mat([[Q(Fraction(float(np.float32(x))).numerator, Fraction(float(np.float32(x))).denominator) for x in row] for row in m])

def glow_rotation_f(c, seed=1):
    rng = Rng(seed)
    g = np.zeros((c, c))
    for j in range(c):          # nalgebra from_fn: column-major
        for i in range(c):
            g[i, j] = rng.normal()
    q, r = np.linalg.qr(g)
    for j in range(c):
        if r[j, j] < 0:
            q[:, j] = -q[:, j]
    if np.linalg.det(q) < 0:
        q[:, 0] = -q[:, 0]
    return q

def glow_lu_f(c, seed=1):
    rng = Rng(seed)
    sd = 1.0 / np.sqrt(c)
    l = np.eye(c); u = np.zeros((c, c))
    for i in range(c):
        for j in range(c):
            x = rng.normal() * sd
            if i > j: l[i, j] = x
            elif i < j: u[i, j] = x
    for i in range(c):
        sign = 1.0 if rng.next_u64() % 2 == 0 else -1.0
        u[i, i] = sign * np.exp(0.5 * rng.normal())
    perm = rng.permutation(c)
    p = np.zeros((c, c))
    for j, i in enumerate(perm):
        p[i, j] = 1.0
    return p @ l @ u

def random_integer(n, seed=1):
    rng = Rng(seed)
    while True:
        vals = [rng.range(-9, 9) - 0 for _ in range(n * n)]
        M = fmpq_mat([[vals[i * n + j] for j in range(n)] for i in range(n)])
        if M.det() != 0:
            return M

def glow_rotation(c, seed=1):
    return exact_f32(glow_rotation_f(c, seed))

def glow_lu(c, seed=1):
    return exact_f32(glow_lu_f(c, seed))

if __name__ == '__main__':
    for c in [8, 16]:
        R = to_np(glow_rotation(c)); W = to_np(glow_lu(c)); Z = to_np(random_integer(c))
        print(c, 'rot cond %.4f' % np.linalg.cond(R), 'lu cond %.2f' % np.linalg.cond(W), 'int cond %.2f' % np.linalg.cond(Z))
