from lib import *
from tri import six_any
for d in [2, 4]:
    t = diag([Q(-1)] * d + [Q(1)] * d)
    r = six_any(t, True, tries=40)
    print('diag(-I%d, I%d) positive:' % (d, d), None if r is None else (len(r), check(t, r, True), bits(r)), flush=True)
