"""Size of an ideal-membership certificate: sum c_j p_j = (f1 f2 g1 g2)^k * h, h with
positive coefficients (positive mode) or h = 1 (signed mode: monomial certificate)."""
from lib import *
import sing, sys
import five_gb, ulul_gb


def cert(t, which, h):
    base = (five_gb.script(t, which) if which != 'ULUL' else ulul_gb.script(t)).split('LIB "elim.lib";')[0]
    return base + f"""
ideal GB = std(I);
poly m = f1*f2*g1*g2;
poly h = {h};
int k; poly target;
for (k = 0; k <= 4; k++) {{ target = m^k * h; if (reduce(target, GB) == 0) {{ break; }} }}
print("k=" + string(k));
matrix Lf = lift(I, target);
int tot = 0; int i;
for (i = 1; i <= nrows(Lf); i++) {{ tot = tot + size(Lf[i, 1]); }}
print("cofactor terms=" + string(tot));
"""


if __name__ == '__main__':
    t = diag([Q(-1), Q(-1), Q(1), Q(1)])
    for which in ['ULUL', 'ULULU', 'LULUL']:
        print(which, sing.run(cert(t, which, 'f1+f2+g1+g2'), timeout=300).replace('\n', ' | ')[:300], flush=True)
    t = mat([[0, 0, 1, 1], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]])
    print('lb4 ULUL signed', sing.run(cert(t, 'ULUL', '1'), timeout=300).replace('\n', ' | ')[:300], flush=True)
