"""Part 5: float64 conditioning of padded chains (K = n, split (n | n)).

Chains (application order):
  unit3     L(T - I), U(I), L(T^-1 - I)                         (issue 16)
  unit3'    L(I), U(T - I), L(-T^-1)                            (chunked form, A1 = I)
  scaled3   L(t I, d1), U((T - e I)/t, e), L(-d2 t T^-1, d2)    (rational scalars chosen for conditioning)
  split5    T = T1 T2 with T2 ~ H^(1/2) (polar T = Q H, rounded to a dyadic), T1 = T T2^-1 exact;
            scaled3 for T2 then for T1, the two middle lower layers merged: 5 layers
Reported: per-layer float64 condition numbers (worst), float64 relative error of the
product's first n columns against [[T],[0]], largest entry bits.  Every chain is
verified exactly first (M[:, :n] = [[T],[0]])."""
import sys, json, time
import numpy as np
from fractions import Fraction
from ex import *
from glowfam import glow_rotation, glow_lu, random_integer, exact_f32

def dyadic(x, bits=10):
    """Rational approximation of a positive float with `bits` significant bits."""
    if x == 0:
        return Q(0)
    e = int(np.floor(np.log2(abs(x))))
    m = round(x / 2.0 ** (e - bits))
    f = Fraction(m) * Fraction(2) ** (e - bits)
    return Q(f.numerator, f.denominator)

def layer_float(layer, p, q):
    kind, sh, sc = layer
    N = p + q
    M = np.eye(N)
    S = to_np(sh)
    if kind == 'L':
        M[p:, :p] = S; M[p:, p:] = np.diag([float(s) for s in sc])
    else:
        M[:p, p:] = S; M[:p, :p] = np.diag([float(s) for s in sc])
    return M

def figures(chain, p, q, T):
    n = T.nrows()
    assert check_padded(chain, p, q, T), 'exact check failed'
    Ms = [layer_float(l, p, q) for l in chain]
    conds = [np.linalg.cond(M) for M in Ms]
    P = np.eye(p + q)
    for M in Ms:
        P = M @ P
    Tf = to_np(T)
    tgt = np.vstack([Tf, np.zeros((p + q - n, n))])
    err = np.linalg.norm(P[:, :n] - tgt) / np.linalg.norm(Tf)
    return dict(layers=len(chain), worst=max(conds), conds=conds, err=err, bits=chain_bits(chain))

def unit3(T):
    n = T.nrows(); Ti = T.inv()
    return [L(T - eye(n)), U(eye(n)), L(Ti - eye(n))]

def unit3b(T):
    n = T.nrows(); Ti = T.inv()
    return [L(eye(n)), U(T - eye(n)), L(-Ti)]

def scaled3_chain(T, Ti, t, e, d1, d2):
    n = T.nrows()
    return [L(eye(n) * t, [d1] * n), U((T - eye(n) * e) * (1 / t), [e] * n), L(-(Ti * (d2 * t)), [d2] * n)]

GRID = [17]


def cond2(a, d):
    return np.linalg.cond(np.array([[1.0, 0.0], [a, d]]))

def scaled3(T, Ti=None):
    """Search rational scalars t, e (log grid + refinement); d1, d2 by the 2x2 balance."""
    n = T.nrows()
    Ti = T.inv() if Ti is None else Ti
    Tf = to_np(T); Tif = to_np(Ti)
    smax = np.linalg.norm(Tf, 2); sinv = np.linalg.norm(Tif, 2)
    def worst(t, e):
        a1 = t
        d1 = np.sqrt(1 + a1 * a1)
        Uf = np.eye(2 * n); Uf[:n, :n] = e * np.eye(n); Uf[:n, n:] = (Tf - e * np.eye(n)) / t
        cu = np.linalg.cond(Uf)
        alpha = t * sinv
        d2 = 1 / np.sqrt(1 + alpha * alpha)
        L3 = np.eye(2 * n); L3[n:, :n] = -d2 * t * Tif; L3[n:, n:] = d2 * np.eye(n)
        c3 = np.linalg.cond(L3)
        return max(cond2(a1, d1), cu, c3), d1, d2
    best = None
    G = GRID[0]
    for lt in np.linspace(-4, 4, G):
        for le in np.linspace(-4, 4, G):
            for sgn in (1.0, -1.0):
                t, e = 10 ** lt, sgn * 10 ** le
                w = worst(t, e)[0]
                if best is None or w < best[0]:
                    best = (w, t, e)
    w, t, e = best
    # local refinement
    step = 0.125
    for _ in range(30):
        improved = False
        for dt in (-step, 0, step):
            for de in (-step, 0, step):
                t2, e2 = t * 10 ** dt, e * 10 ** de
                w2 = worst(t2, e2)[0]
                if w2 < w:
                    w, t, e, improved = w2, t2, e2, True
        if not improved:
            step /= 2
    _, d1, d2 = worst(t, e)
    tq, eq_ = dyadic(t), (dyadic(abs(e)) * (1 if e > 0 else -1))
    return scaled3_chain(T, Ti, tq, eq_, dyadic(d1), dyadic(d2))

def merge_lower(l1, l2):
    """l1 then l2 (application order), both lower: L(A2 + D2 A1, D2 D1)."""
    _, A1, D1 = l1; _, A2, D2 = l2
    return ('L', A2 + diag(D2) * A1, [x * y for x, y in zip(D2, D1)])

def split5(T):
    n = T.nrows()
    Tf = to_np(T)
    Uu, s, Vt = np.linalg.svd(Tf)
    H = Vt.T @ np.diag(s) @ Vt
    w, V = np.linalg.eigh(H)
    Hh = V @ np.diag(np.sqrt(w)) @ V.T
    T2 = exact_f32(Hh)
    T1 = T * T2.inv()
    c2 = scaled3(T2); c1 = scaled3(T1)
    chain = c2[:2] + [merge_lower(c2[2], c1[0])] + c1[1:]
    return chain

def ill(n, kappa, seed):
    rng = np.random.default_rng(seed)
    Q1, _ = np.linalg.qr(rng.normal(size=(n, n))); Q2, _ = np.linalg.qr(rng.normal(size=(n, n)))
    s = np.logspace(0, -np.log10(kappa), n)
    s = s / np.prod(s) ** (1.0 / n)
    return exact_f32(Q1 @ np.diag(s) @ Q2)

def main(sizes, out):
    rows = []
    fams = []
    for c in sizes:
        fams += [('glow rotation c=%d' % c, lambda c=c: glow_rotation(c, 1)),
                 ('glow LU c=%d' % c, lambda c=c: glow_lu(c, 1)),
                 ('random integer n=%d' % c, lambda c=c: random_integer(c, 1)),
                 ('ill-conditioned (1e6) n=%d' % c, lambda c=c: ill(c, 1e6, c))]
    for name, mk in fams:
        T = mk()
        n = T.nrows()
        condT = np.linalg.cond(to_np(T))
        for cname, f in (('unit3', unit3), ("unit3'", unit3b), ('scaled3', scaled3), ('split5', split5)):
            t0 = time.time()
            ch = f(T)
            fig = figures(ch, n, n, T)
            fig.update(family=name, chain=cname, condT=condT, secs=round(time.time() - t0, 2))
            fig['conds'] = [float('%.3g' % c) for c in fig['conds']]
            rows.append(fig)
            print('%-28s %-8s layers %d worst %.3g err %.2e bits %d condT %.3g conds %s (%.1fs)' % (
                name, cname, fig['layers'], fig['worst'], fig['err'], fig['bits'], condT, fig['conds'], fig['secs']), flush=True)
    json.dump(rows, open(out, 'w'))

if __name__ == '__main__':
    if len(sys.argv) > 3:
        GRID[0] = int(sys.argv[3])
    main([int(x) for x in sys.argv[1].split(',')], sys.argv[2])
