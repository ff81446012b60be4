from perms4 import *
from ulul_gb import ulul_complex
import json, sys
res = {}
for p, s, t in signed_perms():
    a = ulul_complex(t)[0]
    b = ulul_complex(swap(t))[0]
    res[key(p, s)] = [a, b]
json.dump(res, open('gb_perms_signed.json', 'w'), indent=0)
print(sum(1 for v in res.values() if v[0] or v[1]), 'of', len(res), 'have a complex ULUL or LULU solution')
