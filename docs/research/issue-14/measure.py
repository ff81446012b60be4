"""Full measurement: python3 measure.py C [families...] > out. One line (JSON) per case."""
import json, sys, time, math
from fractions import Fraction
import numpy as np
from families import *
from construct import construct, make_positive
from layers import cond, product
from refit import round_chain
from refine import refine
from certify import certify, round_layer, decimal_upper

def fwd32(ch, W, batch=256, seed=0):
    """float32 forward pass of the chain (matrix order list) on random x."""
    x = np.random.default_rng(seed).standard_normal((W.shape[0], batch))
    d = W.shape[0] // 2
    y = x.astype(np.float32)
    for k, sh, sc in reversed(ch):
        sh32, sc32 = sh.astype(np.float32), sc.astype(np.float32)
        if k == 'L':
            y = np.concatenate([y[:d], sh32 @ y[:d] + sc32[:, None] * y[d:]])
        else:
            y = np.concatenate([sc32[:, None] * y[:d] + sh32 @ y[d:], y[d:]])
    ref = W @ x
    e = np.linalg.norm(y.astype(np.float64) - ref, axis=0) / np.linalg.norm(ref, axis=0)
    return float(e.max())

def logscale_chain_err(ch, W):
    """Positive mode: error of the chain a loader computes with
    scale = exp(float32(log(scale))) in float32 (float64 evaluation)."""
    ch2 = [(k, sh, np.exp(np.log(sc).astype(np.float32)).astype(np.float64)) for k, sh, sc in ch]
    return float(np.linalg.norm(product(ch2) - W) / np.linalg.norm(W))

def run(name, W, mode, width):
    n = W.shape[0]
    rec = dict(family=name, c=n, mode=mode, width=width)
    det = np.linalg.slogdet(W)[0]
    if mode == 'positive' and det < 0:
        rec['result'] = 'refused: det W < 0 (no positive chain within any EPS < sigma_min(W)/||W||_F)'
        return rec
    t0 = time.time()
    ch, info = construct(W, alpha=0.3)
    if mode == 'positive':
        ch, carry = make_positive(ch)
        assert np.all(carry > 0), "sign cancellation failed"
    t1 = time.time()
    if width == 32:
        ch = round_chain(ch, W, 'next')
        ints = [round_layer(l, 24)[1] for l in ch]
        ch = [round_layer(l, 24)[0] for l in ch]
        eps = Fraction(1, 10**6)
    else:
        ch, ints, hist = refine(ch, W, 53, iters=3)
        rec['refine_history'] = hist
        eps = Fraction(1, 10**14)
    t2 = time.time()
    r = certify(ints, W, eps=eps)
    t3 = time.time()
    conds = [cond(l) for l in ch]
    rec.update(layers=len(ch), worst_cond=max(conds), conds=conds, cond_W=float(np.linalg.cond(W)),
               certified=decimal_upper(r['rel2']), rel=r['rel'], ok=bool(r['ok']),
               S=r['S'], max_bits=r['max_bits'], FW=r['FW'],
               t_construct=t1 - t0, t_round=t2 - t1, t_certify=t3 - t2, t_certify_product=r['t_prod'],
               fwd32=fwd32(ch, W), p=info['p'],
               min_scale=float(min(np.abs(l[2]).min() for l in ch)),
               max_abs=float(max(max(np.abs(l[1]).max(), np.abs(l[2]).max()) for l in ch)))
    if mode == 'positive':
        rec['min_scale_positive'] = float(min(l[2].min() for l in ch))
        rec['logscale_loader_err'] = logscale_chain_err(ch, W)
    return rec

if __name__ == '__main__':
    c = int(sys.argv[1])
    fams = sys.argv[2].split(',') if len(sys.argv) > 2 else ['rot', 'lu']
    widths = [int(x) for x in sys.argv[3].split(',')] if len(sys.argv) > 3 else [32, 64]
    modes = sys.argv[4].split(',') if len(sys.argv) > 4 else ['signed', 'positive']
    make = {'rot': lambda: glow_rotation(c), 'lu': lambda: glow_lu(c),
            'lu2': lambda: glow_lu(c, 2), 'lu3': lambda: glow_lu(c, 3),
            'svd10': lambda: svd_family(c, 10), 'svd1e2': lambda: svd_family(c, 1e2),
            'svd1e3': lambda: svd_family(c, 1e3), 'svd1e4': lambda: svd_family(c, 1e4),
            'svd1e2neg': lambda: svd_family(c, 1e2, negative=True),
            'gauss': lambda: gaussian(c),
            'lu+': lambda: glow_lu(c, next(s for s in range(1, 99) if np.linalg.slogdet(glow_lu(c, s))[0] > 0))}
    for f in fams:
        W = make[f]()
        for width in widths:
            for mode in modes:
                try:
                    rec = run(f, W, mode, width)
                except Exception as e:
                    rec = dict(family=f, c=c, mode=mode, width=width, result=f'error: {e!r}')
                print(json.dumps(rec), flush=True)
