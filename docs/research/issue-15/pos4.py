"""Positive-mode four-layer analysis at d = 2: elimination ideal of the fibre in the scale
variables (f1, f2 = diagonal of F = middle upper scale, g1, g2 = diagonal of G = inverse
middle lower scale), for T (ULUL) and S T S (LULU)."""
from lib import *
import sing, json
from ulul_gb import script


def elim(t):
    out = sing.run(script(t, 'ideal E = eliminate(J, x1*x2*x3*x4*v1*v2*v3*v4); E = std(E); print(E);'))
    return out


if __name__ == '__main__':
    from perms4 import *
    r = json.load(open('table4_raw.json'))
    todo = [k for k, v in r.items() if isinstance(v['positive'], list) and v['positive'][0] == 4 and v['positive'][1] != 4]
    print(len(todo))
    for p, s, t in signed_perms():
        k = key(p, s)
        if k in todo:
            print(k, r[k]['positive'])
            print('  ULUL:', elim(t).replace('\n', ' | '))
            print('  LULU:', elim(swap(t)).replace('\n', ' | '))
