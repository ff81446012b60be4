"""For d not a power of two: search two split trees T1 (x1, lower factor, applied deepest first)
and T2 (x2, upper factor, applied top first) of minimal height with
reverse(depth_ranks(T1)) == depth_ranks(T2), so that the parallel crux needs exactly h gadgets.
Splits tried per node: m//2, (m+1)//2, largest power of two < m, m minus it."""
import math
from functools import lru_cache

def cand(m):
    p = 1
    while p * 2 < m:
        p *= 2
    return sorted({m // 2, (m + 1) // 2, p, m - p} - {0, m})

@lru_cache(maxsize=None)
def seqs(m, hmax):
    """Set of depth-rank tuples (length <= hmax) for trees on m leaves of height <= hmax."""
    if m < 2:
        return frozenset([()])
    if hmax == 0:
        return frozenset()
    out = set()
    for k in cand(m):
        for a in seqs(k, hmax - 1):
            for b in seqs(m - k, hmax - 1):
                L = max(len(a), len(b))
                s = tuple((a[i] if i < len(a) else 0) + (b[i] if i < len(b) else 0) for i in range(L))
                out.add((min(k, m - k),) + s)
        if len(out) > 4000:
            break
    return frozenset(out)

if __name__ == '__main__':
    fails = []
    for d in range(2, 257):
        h = math.ceil(math.log2(d))
        S = seqs(d, h)
        full = [s for s in S if len(s) == h]
        ok = any(tuple(reversed(s)) in S for s in full)
        if not ok:
            fails.append(d)
    print("d in 2..256 without a matching tree pair of minimal height:", len(fails), fails[:40])
