"""Positive 5-layer construction for T_d = [[0, B], [I, 0]], B = I + E12, even d:
U0 = U(B0, I) with B0 = diag(1,..,1,-1,..,-1) (half each); M = U0^-1 T; S M S satisfies the
triangular criterion with equal numbers of negative diagonal entries."""
from lib import *
from tri import four_triangular
from search import swapped, merge
for d in [2, 4, 6]:
    n = 2 * d
    bb = eye(d); bb[0, 1] = 1
    t = from_blocks(zeros(d), bb, eye(d), zeros(d))
    b0 = diag([Q(1)] * (d // 2) + [Q(-1)] * (d // 2))
    m = U(-b0, [Q(1)] * d) * t
    lay = four_triangular(swap(m), positive=True)
    assert lay is not None
    full = merge(swapped(lay) + [('U', b0, [Q(1)] * d)])
    print('d=%d: positive layers %d, check %s, bits %d' % (d, len(full), check(t, full, True), bits(full)))
