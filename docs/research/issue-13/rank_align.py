"""Number of conjugated-Whitehead gadgets for the parallel crux (x1 lower, applied deepest
first; x2 upper, applied top first) when d is not a power of two: a gadget pairs two square-zero
pieces of equal rank, level ops may be split into commuting row pieces, so the count is the
number of distinct prefix sums of the two rank sequences (greedy alignment)."""
from crux import tree_nodes

def ranks(d):
    nodes = []
    tree_nodes(0, d, 1, nodes)
    h = max([v[0] for v in nodes], default=0)
    r = [0] * (h + 1)
    for (dp, s, k, e) in nodes:
        r[dp] += min(k - s, e - k)
    return r[1:]

def gadgets(d):
    r = ranks(d)
    a = list(reversed(r))   # x1: deepest first
    b = r                   # x2: top first
    pa, pb, s = set(), set(), 0
    for x in a:
        s += x; pa.add(s)
    s = 0
    for x in b:
        s += x; pb.add(s)
    # note: sum(a) == sum(b); but the ops of full rank must still cover all rows of the blocks:
    # pieces of one level op must together cover that op, which the prefix sums guarantee.
    return len(pa | pb), len(r)

if __name__ == '__main__':
    worst = {}
    for d in range(2, 257):
        g, h = gadgets(d)
        worst.setdefault(h, []).append(g)
    for h in sorted(worst):
        print("h =", h, "levels; gadgets min/max over d with that h:", min(worst[h]), max(worst[h]))
    for d in (6, 12, 24, 48, 96, 100, 127, 128, 192, 255, 256):
        print(d, ranks(d), gadgets(d))


def ranks_split(d, split):
    r = {}
    def rec(s, e, depth):
        if e - s < 2:
            return
        k = s + split(e - s)
        r[depth] = r.get(depth, 0) + min(k - s, e - k)
        rec(s, k, depth + 1); rec(k, e, depth + 1)
    rec(0, d, 1)
    return [r[i] for i in sorted(r)]


def gadgets_seq(r):
    a = list(reversed(r)); b = r
    pa, pb, s = set(), set(), 0
    for x in a:
        s += x; pa.add(s)
    s = 0
    for x in b:
        s += x; pb.add(s)
    return len(pa | pb)


def pow2split(m):
    p = 1
    while p * 2 < m:
        p *= 2
    return p


if __name__ == '__main__':
    bad = []
    for d in range(2, 257):
        r = ranks_split(d, pow2split)
        g = gadgets_seq(r)
        if g != len(r):
            bad.append((d, len(r), g))
    print("power-of-two left split: d with extra gadgets:", len(bad), bad[:12])
    import math
    extra = [g - h for (d, h, g) in bad]
    print("max extra gadgets:", max(extra) if extra else 0)


def mismatches(d):
    r = ranks(d)
    a = list(reversed(r)); b = r
    return sum(1 for x, y in zip(a, b) if x != y), len(r)

if __name__ == '__main__':
    worst = 0
    tab = {}
    for d in range(2, 257):
        m, h = mismatches(d)
        tab.setdefault(h, []).append(m)
    for h in sorted(tab):
        print("h", h, "mismatched depth pairs: max", max(tab[h]), "mean %.2f" % (sum(tab[h]) / len(tab[h])))
