import json, glob, sys
rows = []
for f in sorted(glob.glob('out/main_*.jsonl'), key=lambda s: int(s.split('_')[1].split('.')[0])) + sorted(glob.glob('out/extra_*.jsonl')):
    for l in open(f):
        rows.append(json.loads(l))
fam = {'rot': 'Glow rotation (seed 1)', 'lu': 'Glow LU (seed 1)', 'lu+': 'Glow LU (first seed with det > 0)'}
print("| family | c | width | mode | layers | worst layer cond | cond(W) | certified rel. error (upper, exact check) | EPS met | fp32 forward rel. err | max bits of exact P | Python time construct / round+refit / certify (s) | log-scale loader err |")
print("|---|---:|---|---|---:|---:|---:|---:|:-:|---:|---:|---:|---:|")
for r in rows:
    name = fam.get(r['family'], r['family'])
    if 'result' in r:
        print(f"| {name} | {r['c']} | f{r['width']} | {r['mode']} | | | | {r['result']} | | | | | |")
        continue
    log = f"{r['logscale_loader_err']:.1e}" if 'logscale_loader_err' in r else "-"
    print(f"| {name} | {r['c']} | f{r['width']} | {r['mode']} | {r['layers']} | {r['worst_cond']:.1f} | {r['cond_W']:.1f} | {r['certified']} | {'yes' if r['ok'] else '**no**'} | {r['fwd32']:.1e} | {r['max_bits']} | {r['t_construct']:.1f} / {r['t_round']:.1f} / {r['t_certify']:.1f} | {log} |")
