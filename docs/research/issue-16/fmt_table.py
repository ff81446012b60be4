import json, sys
from collections import defaultdict
rows = [json.loads(l) for l in open('table_final.log') if l.startswith('{')]
extra = []
cell = {}
for r in rows + extra:
    cell[(r['fam'], r['positive'], r['n'], r['K'])] = r
fams = ['random0', 'random1', 'det<0', '-I', 'perm', 'reverse', 'swap01']
def grid(fam, positive, key='depth', title=''):
    out = ['%s, %s mode: %s' % (fam, 'positive' if positive else 'signed', title)]
    out.append('n\\K ' + ' '.join('%3d' % K for K in range(1, 17)) + '   | K=0 (unpadded, project)')
    for n in range(2, 17):
        line = '%-3d ' % n
        for K in range(1, 17):
            r = cell.get((fam, positive, n, K))
            if r is None:
                line += '   ' + ' '
            else:
                v = r.get(key)
                line += '%3s ' % ('-' if v is None else v)
        b = None
        for K in range(1, 17):
            r = cell.get((fam, positive, n, K))
            if r: b = r['base']
        line += '  | %s' % ('n/a (det<0)' if b is None else b[0])
        out.append(line)
    return '\n'.join(out)
for fam in fams:
    for positive in (False, True):
        print(grid(fam, positive, 'depth', 'fewest layers found'))
        print()
        if fam.startswith('random') or fam == 'det<0':
            print(grid(fam, positive, 'small_depth', 'fewest layers with entries <= 2x bits(T^-1)'))
            print()
# bits for random0 signed / positive
print('random0: bits of the best chain / bits of T^-1')
for positive in (False, True):
    for n in [4, 8, 12, 16]:
        s = []
        for K in range(1, n + 1):
            r = cell.get(('random0', positive, n, K))
            s.append('K=%d:%s(%s)/%s' % (K, r['depth'], r['bits'], r['tinv_bits']) if r else '')
        print(('positive ' if positive else 'signed   ') + 'n=%d ' % n + ' '.join(s))
# constructions used
from collections import Counter
print(Counter(r['how'].split(' p=')[0] for r in cell.values()))
und = [r for r in cell.values() if r.get('undecided')]
print('cells with undecided 3-layer splits:', len(und), [(r['fam'], r['n'], r['K'], r['positive'], r['undecided']) for r in und][:10])
