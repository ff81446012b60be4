"""Certificates: generated (cert.py) and re-checked independently (recheck_pad.py);
consistency with the decision (lul3.py); tampered certificates rejected."""
import json, copy, sys
import numpy as np
from ex import *
from cert import certify_split
from recheck_pad import recheck, Reject
from lul3 import decide_lul, decide_ulu, Infeasible

rng = np.random.default_rng(77)
stats = {}
tam_ok = 0
for trial in range(160):
    n = int(rng.integers(3, 8)); K = int(rng.integers(1, n)); positive = bool(rng.random() < 0.3)
    kind = rng.choice(['dense', 'sparse', 'perm'])
    if kind == 'dense':
        T = rand_int_matrix(n, rng)
    elif kind == 'sparse':
        while True:
            T = mat([[int(x) if rng.random() < 0.5 else 0 for x in rng.integers(-3, 4, size=n)] for _ in range(n)])
            if T.det() != 0: break
    else:
        T = zeros(n, n)
        for c, r in enumerate(rng.permutation(n)):
            T[int(r), c] = 1
    for p in range(1, n + 1):
        cert = certify_split(T, p, K, positive)
        if p < n:
            possible = False
            for f in (decide_lul, decide_ulu):
                try:
                    f(T, p, K, positive); possible = True
                except Infeasible:
                    pass
            if cert is not None and possible:
                print('INCONSISTENT', n, K, p, positive); print(T); sys.exit(1)
        if cert is None:
            stats[(kind, 'no cert')] = stats.get((kind, 'no cert'), 0) + 1
            continue
        js = json.loads(json.dumps(cert))
        try:
            recheck(T, js)
        except Reject as e:
            print('REJECTED valid certificate', n, K, p, positive, e); print(T); print(json.dumps(js)[:2000]); sys.exit(1)
        ctype = list(js['LUL'].get('contradiction', {'disjoint': 1}).keys())[0]
        stats[(kind, 'cert ' + ctype)] = stats.get((kind, 'cert ' + ctype), 0) + 1
        # tamper: change one entry of T (the certificate must not carry over) or the contradiction
        T2 = T + zeros(n, n)
        i, j = int(rng.integers(0, n)), int(rng.integers(0, n)); T2[i, j] += 1
        bad = copy.deepcopy(js)
        if 'contradiction' in bad['LUL'] and 'combination' in bad['LUL']['contradiction']:
            bad['LUL']['contradiction']['combination'] = bad['LUL']['contradiction']['combination'][:-1] or [[0, 2]]
            target = T
        else:
            target = T2
        try:
            if T2.det() != 0 or target is T:
                recheck(target, bad)
                # a tampered certificate may still be valid by accident only if the statement is still true
                ok_still = True
                for f in (decide_lul, decide_ulu):
                    if p < n:
                        try:
                            f(target, p, K, positive); ok_still = False
                        except Infeasible:
                            pass
                if not ok_still:
                    print('ACCEPTED A FALSE CERTIFICATE'); sys.exit(1)
        except Reject:
            tam_ok += 1
        except Exception:
            tam_ok += 1
print('certificates:', dict(sorted(stats.items())))
print('tampered certificates rejected:', tam_ok)
