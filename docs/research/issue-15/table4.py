"""Depth table of the 384 signed 4x4 permutation matrices (both modes).
signed: <=3 from the crate's exact decision, 4 from GB (complex) + rational construction,
        5/6 from constructions. positive: <=3 from the crate, 4 by construction (impossibility
        analysed separately in pos4.py), 5/6 by construction."""
from perms4 import *
from search import *
import json, sys
gb = json.load(open('gb_perms_signed.json'))
res = {}
for p, s, t in signed_perms():
    k = key(p, s)
    row = {}
    # signed
    d3, _ = depth_cli(t, False)
    if d3 < 4:
        row['signed'] = [d3, d3]
    else:
        if gb[k][0] or gb[k][1]:
            lay = peel_search(t, 4, False, seed=1)
            row['signed'] = [4, 4] if lay else [4, 'complex-only?']
        else:
            lay = peel_search(t, 5, False, seed=1)
            row['signed'] = [5, 5 if lay else None]
            if not lay:
                lay6 = peel_search(t, 6, False, seed=2, tries=200)
                row['signed'] = [5, 6 if lay6 else None]
    # positive
    if t.det() < 0:
        row['positive'] = 'det<0'
    else:
        d3, _ = depth_cli(t, True)
        if d3 < 4:
            row['positive'] = [d3, d3]
        else:
            lo = max(4, row['signed'][0])
            found = None
            for kk in range(lo, 8):
                lay = peel_search(t, kk, True, seed=3, tries=60 if kk < 6 else 300)
                if lay:
                    found = len(lay)
                    break
            row['positive'] = [lo, found]
    res[k] = row
    print(k, row, flush=True)
json.dump(res, open('table4_raw.json', 'w'), indent=0)
