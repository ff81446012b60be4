"""Exact certification of a chain of dyadic layers (python-flint fmpz_mat).

Every layer entry is an integer over a per-layer power of two 2^F (block
floating point: F chosen so the largest |entry| has `bits` significant bits,
every entry then exactly a float32 (bits=24) or float64 (bits=53) value).
P = M0 M1 ... M_{K-1} (matrix order) is built right to left, one layer at a
time, as an integer matrix over 2^S; ||P - W||_F^2 is then an exact integer
over 2^(2 max(S, FW)) and is compared exactly with EPS^2 ||W||_F^2."""
import math, time
from fractions import Fraction
import numpy as np
import flint


def bfp_round(x, bits, F=None):
    """Round array x to multiples of 2^-F (F from the largest entry); returns
    (int numpy object array, F)."""
    m = np.abs(x).max()
    if F is None:
        e = math.frexp(m)[1] if m > 0 else 0  # m < 2^e
        F = bits - e                            # |a| < 2^bits
    a = np.rint(np.ldexp(x, F))
    return a, F


def round_layer(layer, bits, guard=12):
    """Round every entry to the nearest float32 (bits=24) or float64 (bits=53)
    value, then to a multiple of 2^-F with F = bits + guard - e_max (e_max: the
    exponent of the largest |entry|), so the layer is an integer matrix over 2^F
    with entries below 2^(bits + guard); entries far below the largest keep an
    absolute accuracy of 2^-(bits+guard) relative to it (and stay exact floats)."""
    k, sh, sc = layer
    f = (lambda x: x.astype(np.float32).astype(np.float64)) if bits == 24 else (lambda x: x)
    sh, sc = f(sh), f(sc)
    m = max(np.abs(sh).max(), np.abs(sc).max())
    F = bits + guard - math.frexp(m)[1]
    a = np.rint(np.ldexp(sh, F))
    b = np.rint(np.ldexp(sc, F))
    return (k, np.ldexp(a, -F), np.ldexp(b, -F)), (k, a, b, F)


def exact_float_fraction_bits(x):
    """Smallest F with x * 2^F integral for all entries (float64 array)."""
    F = 0
    for v in x.ravel():
        if v != 0:
            mant, e = math.frexp(v)            # v = mant * 2^e, 0.5 <= |mant| < 1
            m = int(mant * (1 << 53))
            tz = (m & -m).bit_length() - 1
            F = max(F, 53 - e - tz)
    return F


def to_fmpz(a):
    return flint.fmpz_mat([[int(v) for v in row] for row in a])


def certify(int_layers, W, eps=Fraction(1, 10**6)):
    """int_layers: [(kind, A_int, D_int, F)] in matrix order. Returns dict with the
    exact relative error squared (Fraction), bits, timings."""
    n = W.shape[0]
    d = n // 2
    t0 = time.time()
    X = flint.fmpz_mat(n, n)
    for i in range(n):
        X[i, i] = 1
    S = 0
    shift_int = lambda m, F: m * (1 << F)
    for k, A, D, F in reversed(int_layers):
        Ai = to_fmpz(A)
        top = flint.fmpz_mat([[X[i, j] for j in range(n)] for i in range(d)])
        bot = flint.fmpz_mat([[X[i, j] for j in range(n)] for i in range(d, n)])
        Dl = [int(v) for v in D]
        if k == 'L':
            new_bot = Ai * top
            for i in range(d):
                for j in range(n):
                    new_bot[i, j] += Dl[i] * bot[i, j]
            new_top = top * (1 << F)
        else:
            new_top = Ai * bot
            for i in range(d):
                for j in range(n):
                    new_top[i, j] += Dl[i] * top[i, j]
            new_bot = bot * (1 << F)
        X = flint.fmpz_mat([[new_top[i, j] for j in range(n)] for i in range(d)] +
                           [[new_bot[i, j] for j in range(n)] for i in range(d)])
        S += F
    t_prod = time.time() - t0
    FW = exact_float_fraction_bits(W)
    den = max(S, FW)
    Wi = [[int(np.ldexp(W[i, j], FW)) << (den - FW) for j in range(n)] for i in range(n)]
    num = 0
    wn = 0
    maxbits = 0
    sh = den - S
    for i in range(n):
        for j in range(n):
            p = int(X[i, j]) << sh
            maxbits = max(maxbits, int(X[i, j]).bit_length())
            num += (p - Wi[i][j]) ** 2
            wn += Wi[i][j] ** 2
    rel2 = Fraction(num, wn)           # ||P - W||^2 / ||W||^2 (denominators cancel)
    ok = rel2 <= eps * eps
    t_all = time.time() - t0
    return dict(rel2=rel2, ok=ok, rel=math.sqrt(num / wn) if wn else 0.0, S=S, FW=FW,
                max_bits=maxbits, t_prod=t_prod, t_all=t_all)


def decimal_upper(rel2, digits=3):
    """A decimal r >= sqrt(rel2) with `digits` significant digits (checked exactly)."""
    if rel2 == 0:
        return "0"
    x = math.sqrt(float(rel2))
    e = math.floor(math.log10(x))
    m = math.ceil(x / 10 ** (e - digits + 1))
    while True:
        r = Fraction(m) * Fraction(10) ** (e - digits + 1)
        if r * r >= rel2:
            s = str(m)
            return f"{s[0]}.{s[1:]}e{e + len(s) - digits}"
        m += 1


def exact_product(int_layers, n):
    """The exact product as (fmpz_mat X, S): P = X / 2^S."""
    d = n // 2
    X = flint.fmpz_mat(n, n)
    for i in range(n):
        X[i, i] = 1
    S = 0
    for k, A, D, F in reversed(int_layers):
        Ai = to_fmpz(A)
        rows = X.tolist() if hasattr(X, 'tolist') else [[X[i, j] for j in range(n)] for i in range(n)]
        top = flint.fmpz_mat(rows[:d])
        bot = flint.fmpz_mat(rows[d:])
        Dm = flint.fmpz_mat([[int(D[i]) if i == j else 0 for j in range(d)] for i in range(d)])
        if k == 'L':
            bot = Ai * top + Dm * bot
            top = top * (1 << F)
        else:
            top = Ai * bot + Dm * top
            bot = bot * (1 << F)
        X = flint.fmpz_mat(top.tolist() + bot.tolist())
        S += F
    return X, S


def residual_f64(int_layers, W):
    """W - P rounded entrywise to float64 from the exact value."""
    n = W.shape[0]
    X, S = exact_product(int_layers, n)
    FW = exact_float_fraction_bits(W)
    den = max(S, FW)
    rows = X.tolist()
    E = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            v = (int(np.ldexp(W[i, j], FW)) << (den - FW)) - (int(rows[i][j]) << (den - S))
            E[i, j] = v / (1 << den) if den < 1000 else float(Fraction(v, 1 << den))
    return E
