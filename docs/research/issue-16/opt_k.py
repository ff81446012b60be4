"""Part 4: does K > n help the conditioning of a three-layer padded chain?
Split (n | K), chain L(A1, D1), U(B, E), L(A2, D2) with B A1 = T - E and
A2 = -D2 A1 T^-1 (every such chain is exact).  Free: A1 (K x n), Y (n x K),
E (diag n), D1, D2 (diag K); B = (T - E) A1^+ + Y (I - A1 A1^+).
Minimise the worst layer condition number (float64, log-sum-exp smoothing, finite-
difference gradients, Adam), from the scaled3 optimum embedded in K (A1 = [t I; 0])
and from random starts, for K = n and K = 2n.  Float only: it measures what is
achievable, the exact version of any optimum is a rational rounding."""
import sys
import numpy as np

def layers(th, T, Ti, n, K):
    o = 0
    A1 = th[o:o + K * n].reshape(K, n); o += K * n
    Y = th[o:o + n * K].reshape(n, K); o += n * K
    E = th[o:o + n]; o += n
    D1 = np.exp(th[o:o + K]); o += K
    D2 = np.exp(th[o:o + K]); o += K
    P = np.linalg.pinv(A1)
    B = (T - np.diag(E)) @ P + Y @ (np.eye(K) - A1 @ P)
    A2 = -np.diag(D2) @ A1 @ Ti
    N = n + K
    L1 = np.eye(N); L1[n:, :n] = A1; L1[n:, n:] = np.diag(D1)
    Uu = np.eye(N); Uu[:n, :n] = np.diag(E); Uu[:n, n:] = B
    L2 = np.eye(N); L2[n:, :n] = A2; L2[n:, n:] = np.diag(D2)
    return [L1, Uu, L2], B, A1

def worst(th, T, Ti, n, K, beta=20.0):
    Ls, B, A1 = layers(th, T, Ti, n, K)
    # exactness of the float chain (B A1 = T - E must hold): penalise if A1 lost rank
    M = Ls[2] @ Ls[1] @ Ls[0]
    err = np.linalg.norm(M[:, :n] - np.vstack([T, np.zeros((K, n))]))
    lc = np.array([np.log(np.linalg.cond(L)) for L in Ls])
    return (np.log(np.sum(np.exp(beta * lc))) / beta) + 10 * err, np.exp(lc.max()), err

def optimise(T, K, start, iters=1500, lr=0.02, seed=0):
    n = T.shape[0]; Ti = np.linalg.inv(T)
    th = start.copy(); m = np.zeros_like(th); v = np.zeros_like(th)
    best = (worst(th, T, Ti, n, K)[1], th.copy())
    h = 1e-6
    for it in range(1, iters + 1):
        f0 = worst(th, T, Ti, n, K)[0]
        g = np.zeros_like(th)
        for i in range(len(th)):
            th[i] += h; g[i] = (worst(th, T, Ti, n, K)[0] - f0) / h; th[i] -= h
        m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g
        th -= lr * (m / (1 - 0.9 ** it)) / (np.sqrt(v / (1 - 0.999 ** it)) + 1e-12)
        w, err = worst(th, T, Ti, n, K)[1:]
        if err < 1e-9 and w < best[0]:
            best = (w, th.copy())
    return best

def scaled_start(T, K, t, e, d1, d2):
    n = T.shape[0]
    A1 = np.zeros((K, n)); A1[:n] = t * np.eye(n)
    Y = np.zeros((n, K))
    return np.concatenate([A1.ravel(), Y.ravel(), e * np.ones(n), np.log(d1) * np.ones(K), np.log(d2) * np.ones(K)])

def grid_scaled(T):
    n = T.shape[0]; Ti = np.linalg.inv(T)
    best = None
    for lt in np.linspace(-3, 3, 25):
        for le in np.linspace(-3, 3, 25):
            for sg in (1, -1):
                t, e = 10 ** lt, sg * 10 ** le
                d1 = np.sqrt(1 + t * t); a = t * np.linalg.norm(Ti, 2); d2 = 1 / np.sqrt(1 + a * a)
                th = scaled_start(T, n, t, e, d1, d2)
                w = worst(th, T, Ti, n, n)[1]
                if best is None or w < best[0]:
                    best = (w, t, e, d1, d2)
    return best

if __name__ == '__main__':
    rng = np.random.default_rng(5)
    n = 4
    Q1, _ = np.linalg.qr(rng.normal(size=(n, n))); Q2, _ = np.linalg.qr(rng.normal(size=(n, n)))
    s = np.logspace(0, -4, n); s /= np.prod(s) ** (1 / n)
    fams = [('ill-conditioned 1e4', Q1 @ np.diag(s) @ Q2), ('random integer', rng.integers(-9, 10, size=(n, n)).astype(float))]
    for name, T in fams:
        w0, t, e, d1, d2 = grid_scaled(T)
        print('%s: cond(T) %.3g, scaled3 grid optimum (K = n): worst %.3g' % (name, np.linalg.cond(T), w0), flush=True)
        for K in (n, 2 * n):
            res = []
            st = scaled_start(T, K, t, e, d1, d2)
            res.append(optimise(T, K, st, iters=int(sys.argv[1]) if len(sys.argv) > 1 else 600)[0])
            for r in range(2):
                st2 = st + rng.normal(size=st.shape) * 0.3
                res.append(optimise(T, K, st2, iters=int(sys.argv[1]) if len(sys.argv) > 1 else 600)[0])
            print('   K = %d: optimised worst layer cond %s' % (K, ['%.3g' % x for x in res]), flush=True)
