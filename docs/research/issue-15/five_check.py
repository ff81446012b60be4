from lib import *
import sing
from five_gb import script
t = mat([[0, 0, 1, 1], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]])
for kind in ['ULULU', 'LULUL']:
    print('lb4', kind, sing.run(script(t, kind)).replace('\n', ' | ')[:400], flush=True)
random.seed(3)
lay = [('U', rand_int_mat(2, -1, 1), [Q(1), Q(2)]), ('L', rand_int_mat(2, -1, 1), [Q(3), Q(1)]), ('U', rand_int_mat(2, -1, 1), [Q(2), Q(1)]), ('L', rand_int_mat(2, -1, 1), [Q(1), Q(1)]), ('U', rand_int_mat(2, -1, 1), [Q(1), Q(5)])]
t = product(lay, 4)
print(fmt(t))
print('rand ULULU', sing.run(script(t, 'ULULU')).replace('\n', ' | ')[:400])
