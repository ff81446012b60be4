"""All 384 signed permutation matrices of size 4."""
from lib import *
import itertools, json


def signed_perms(n=4):
    out = []
    for p in itertools.permutations(range(n)):
        for s in itertools.product([1, -1], repeat=n):
            out.append((p, s, perm_matrix(p, s)))
    return out


def key(p, s):
    return 'p=' + ''.join(map(str, p)) + ' s=' + ''.join('+' if x > 0 else '-' for x in s)
