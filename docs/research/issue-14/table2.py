import json, glob
rows = {}
files = sorted(glob.glob('out/main_*.jsonl'), key=lambda s: int(s.split('_')[1].split('.')[0]))
for f in files:
    for l in open(f):
        r = json.loads(l)
        rows[(r['family'], r['c'], r['width'], r['mode'])] = r
fam = {'rot': 'rotation', 'lu': 'LU seed 1', 'lu+': 'LU det>0'}
print("| family | c | cond(W) | det | layers | worst layer cond | certified f32 (EPS 1e-6) | certified f64 (EPS 1e-14) | positive mode | fp32 forward rel. err | exact P bits f32 / f64 | Python s: construct, refit, certify (f32) | f64 refine + certify (s) |")
print("|---|---:|---:|:-:|---:|---:|---:|---:|---|---:|---:|---:|---:|")
for f in ['rot', 'lu', 'lu+']:
    for c in [12, 24, 48, 96, 192, 384]:
        a = rows.get((f, c, 32, 'signed')); b = rows.get((f, c, 64, 'signed')); p = rows.get((f, c, 32, 'positive')); p64 = rows.get((f, c, 64, 'positive'))
        if not a: continue
        det = '+' if p and 'result' not in p else '-'
        if p and 'result' not in p:
            pos = f"same layers, certified {p['certified']} / {p64['certified'] if p64 and 'certified' in p64 else '?'}"
        else:
            pos = "refused (det < 0)"
        bstr = f"{b['certified']}" if b else '?'
        bt = f"{b['t_round']:.1f} + {b['t_certify']:.1f}" if b else '?'
        print(f"| {fam[f]} | {c} | {a['cond_W']:.0f} | {det} | {a['layers']} | {a['worst_cond']:.1f} | {a['certified']} | {bstr} | {pos} | {a['fwd32']:.1e} | {a['max_bits']} / {b['max_bits'] if b else '?'} | {a['t_construct']:.1f}, {a['t_round']:.1f}, {a['t_certify']:.1f} | {bt} |")
