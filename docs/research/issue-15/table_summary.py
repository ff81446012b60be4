import json, collections
from perms4 import *
f = json.load(open('table4_final.json'))
rows = collections.Counter()
six = []
for p, s, t in signed_perms():
    k = key(p, s)
    v = f[k]
    r21 = quarters(t)[2].rank()
    sd = v['signed'][0]
    pd = v['positive'] if isinstance(v['positive'], str) else v['positive'][0]
    rows[(r21, sd, pd)] += 1
    if pd == 6:
        six.append(k)
print('| rank T21 | signed depth | positive depth | count |')
print('|---|---|---|---|')
for (r, sd, pd), c in sorted(rows.items(), key=lambda x: (x[0][0], x[0][1], str(x[0][2]))):
    print('| %d | %d | %s | %d |' % (r, sd, pd, c))
print('positive depth 6:', six)
