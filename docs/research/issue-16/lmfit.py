"""Float exploration: can a padded chain of a given shape reach [[T],[0]] in its first n columns?

Layers act on R^N, N = n + K, split (p | q), padded coordinates are the last K.
Shape: a string over {'L','U'} in application order.  Positive mode: scales exp(s).
Residual: M[:, :n] - [[T],[0]]  (M = product of layers, last applied leftmost).
Levenberg-Marquardt with an analytic Jacobian, random restarts.  Nothing here is
exact: it only says which shapes are worth an exact construction (or a proof of
impossibility).
"""
import numpy as np


def layer_matrix(kind, shift, scale, p, q):
    N = p + q
    M = np.eye(N)
    if kind == 'L':
        M[p:, :p] = shift
        M[p:, p:] = np.diag(scale)
    else:
        M[:p, p:] = shift
        M[:p, :p] = np.diag(scale)
    return M


class Chain:
    def __init__(self, n, K, p, shape, positive=False, unit_scales=False):
        self.n, self.K, self.p = n, K, p
        self.N = n + K
        self.q = self.N - p
        self.shape = shape
        self.positive = positive
        self.unit = unit_scales
        self.slices = []
        off = 0
        for kind in shape:
            r, c = (self.q, self.p) if kind == 'L' else (self.p, self.q)
            ns = r if kind == 'L' else self.p
            sh = (off, off + r * c, r, c)
            off += r * c
            if unit_scales:
                sc = None
            else:
                sc = (off, off + (self.q if kind == 'L' else self.p))
                off += sc[1] - sc[0]
            self.slices.append((kind, sh, sc))
        self.nparams = off
        self.signs = np.ones(off)
        self.penalty = 0.0
        idx = []
        for kind, sh, sc in self.slices:
            if sc is not None:
                idx.extend(range(sc[0], sc[1]))
        self.scale_idx = np.array(idx, dtype=int) if idx else None

    def layers(self, th):
        out = []
        for kind, (a, b, r, c), sc in self.slices:
            shift = th[a:b].reshape(r, c)
            if sc is None:
                scale = np.ones(self.q if kind == 'L' else self.p)
            else:
                s = th[sc[0]:sc[1]]
                scale = np.exp(s) * self.signs[sc[0]:sc[1]]
            out.append(layer_matrix(kind, shift, scale, self.p, self.q))
        return out

    def product(self, th):
        M = np.eye(self.N)
        for Lm in self.layers(th):
            M = Lm @ M
        return M

    def residual_jac(self, th, target):
        n, N, p, q = self.n, self.N, self.p, self.q
        Ls = self.layers(th)
        m = len(Ls)
        pre = [np.eye(N)[:, :n]]  # pre[k] = M_k..M_1 restricted to first n cols
        for Lm in Ls:
            pre.append(Lm @ pre[-1])
        after = [None] * m
        A = np.eye(N)
        for k in range(m - 1, -1, -1):
            after[k] = A
            A = A @ Ls[k]
        r = (pre[m] - target).ravel()
        if self.penalty > 0 and self.scale_idx is not None:
            r = np.concatenate([r, self.penalty * th[self.scale_idx]])
        J = np.zeros((r.size, self.nparams))
        if self.penalty > 0 and self.scale_idx is not None:
            for t, i in enumerate(self.scale_idx):
                J[N * n + t, i] = self.penalty
        for k, (kind, (a, b, rr, cc), sc) in enumerate(self.slices):
            X = pre[k]  # N x n input to layer k
            Aft = after[k]
            if kind == 'L':
                rows, cols = range(p, N), range(0, p)
                srows = range(p, N)
            else:
                rows, cols = range(0, p), range(p, N)
                srows = range(0, p)
            idx = a
            for i in rows:
                for j in cols:
                    # dM_k = E_ij ; contribution Aft[:, i] outer X[j, :]
                    J[:N * n, idx] = np.outer(Aft[:, i], X[j, :]).ravel()
                    idx += 1
            if sc is not None:
                s = th[sc[0]:sc[1]]
                for t, i in enumerate(srows):
                    g = np.exp(s[t]) * self.signs[sc[0] + t]
                    J[:N * n, sc[0] + t] = g * np.outer(Aft[:, i], X[i, :]).ravel()
        return r, J

    def fit(self, T, rng, restarts=20, iters=400, tol=1e-11, penalty=1e-2):
        best = (np.inf, None)
        for _ in range(restarts):
            self.penalty = penalty
            r0, th0 = self._fit(T, rng, 1, iters, tol)
            if th0 is None:
                continue
            self.penalty = 0.0
            r1, th1 = self._fit(T, rng, 1, iters, tol, start=th0)
            if th1 is not None and r1 < best[0]:
                best = (r1, th1, self.signs.copy())
            if r1 < tol:
                break
        self.penalty = 0.0
        if best[1] is not None:
            self.signs = best[2]
        return best[0], best[1]

    def _fit(self, T, rng, restarts=20, iters=400, tol=1e-11, start=None):
        n, K = self.n, self.K
        target = np.vstack([T, np.zeros((K, n))])
        ntgt = target.size
        best = (np.inf, None)
        for _ in range(restarts):
            if start is None:
                th = rng.normal(size=self.nparams) * 0.7
                if not self.positive:
                    self.signs = rng.choice([-1.0, 1.0], size=self.nparams)
            else:
                th = start.copy()
            lam = 1e-2
            r, J = self.residual_jac(th, target)
            f = r @ r
            fres = lambda rr: rr[:ntgt] @ rr[:ntgt]
            for it in range(iters):
                g = J.T @ r
                H = J.T @ J
                while True:
                    step = np.linalg.solve(H + lam * (np.diag(np.diag(H)) + 1e-9 * np.eye(len(th))), -g)
                    nrm = np.linalg.norm(step)
                    if nrm > 5.0:
                        step *= 5.0 / nrm
                    th2 = th + step
                    th2 = np.clip(th2, -1e5, 1e5)
                    if self.scale_idx is not None:
                        th2[self.scale_idx] = np.clip(th2[self.scale_idx], -12, 12)
                    r2, J2 = self.residual_jac(th2, target)
                    f2 = r2 @ r2
                    if f2 < f:
                        th, r, J, f = th2, r2, J2, f2
                        lam = max(lam / 3, 1e-12)
                        break
                    lam *= 4
                    if lam > 1e10:
                        break
                if lam > 1e10 or fres(r) < tol ** 2:
                    break
            f = fres(r)
            if self.degenerate(th):
                continue
            if f < best[0]:
                best = (f, th.copy(), self.signs.copy())
            if f < tol ** 2:
                break
        if best[1] is not None:
            self.signs = best[2]
        return np.sqrt(best[0]), best[1]

    def degenerate(self, th, logmax=10.0, shiftmax=1e4):
        for kind, (a, b, r, c), sc in self.slices:
            if np.abs(th[a:b]).max() > shiftmax:
                return True
            if sc is not None and np.abs(th[sc[0]:sc[1]]).max() > logmax:
                return True
        return False

    def jac_rank(self, th, target_n):
        r, J = self.residual_jac(th, target_n)
        s = np.linalg.svd(J, compute_uv=False)
        return int((s > s[0] * 1e-9).sum()), J.shape


def shapes(m, first):
    other = {'L': 'U', 'U': 'L'}
    s, k = [], first
    for _ in range(m):
        s.append(k)
        k = other[k]
    return ''.join(s)
