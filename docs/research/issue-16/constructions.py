"""All padded constructions in one place (used by the tables)."""
import numpy as np
from ex import *
from lul3 import decide_lul, decide_ulu, Infeasible
from chunked import chunked, det_zero_E
from completion import completion, run_decompose


def three_identity(T, K):
    """K >= n: L(T - I), U(I), L(T^-1 - I) on split (n | K) (extra padded coords idle)."""
    n = T.nrows()
    Ti = T.inv()
    def padK(A):  # A: n x n shift of a lower layer -> K x n
        return blocks([[A], [zeros(K - n, n)]]) if K > n else A
    B = blocks([[eye(n), zeros(n, K - n)]]) if K > n else eye(n)
    ch = [L(padK(T - eye(n))), U(B), L(padK(Ti - eye(n)))]
    return ch, (n, K)


def embed_split(chain, p, q, K_used, K):
    """A chain for n + K_used coordinates (split (p | q)) as one for n + K (extra padded
    coordinates appended to part 2, idle)."""
    extra = K - K_used
    if extra == 0:
        return chain, (p, q)
    out = []
    for kind, sh, sc in chain:
        if kind == 'L':
            out.append(('L', blocks([[sh], [zeros(extra, p)]]), list(sc) + [Q(1)] * extra))
        else:
            out.append(('U', blocks([[sh, zeros(p, extra)]]), list(sc)))
    return out, (p, q + extra)


def single_layer(T, positive):
    n = T.nrows()
    if is_diag(T) and all(x != 0 and (not positive or x > 0) for x in diag_entries(T)):
        return 0 if T == eye(n) else 1
    return None


def perm_conj(T, order):
    """Pi T Pi^-1 with (Pi x)_i = x_order[i] (the project's mask convention)."""
    n = T.nrows()
    P = zeros(n, n)
    for i, j in enumerate(order):
        P[i, j] = 1
    return P * T * P.transpose()


def all_three(T, K, positive, masks=True):
    """Best three-layer chain over all splits p < n (theorem); p = n via rank(T - E) <= K
    is handled by the (n | K) chunked construction (K >= n - 1).  With masks, the splits
    p = n - 1 and p = 1 are also tried with every choice of the lone coordinate (a
    coordinate permutation of x; the padded coordinates stay last)."""
    n = T.nrows()
    out = []
    reasons = {}
    if masks and n >= 3:
        for j in range(n):
            for p in (n - 1, 1):
                order = [i for i in range(n) if i != j] + [j] if p == n - 1 else [j] + [i for i in range(n) if i != j]
                if order == list(range(n)):
                    continue
                Tc = perm_conj(T, order)
                for name, f in (('LUL', decide_lul), ('ULU', decide_ulu)):
                    try:
                        ch = f(Tc, p, K, positive)
                        out.append((len(ch), chain_bits(ch), '%s p=%d mask(lone coordinate %d)' % (name, p, j), (p, n - p + K), ch))
                    except (Infeasible, AssertionError):
                        pass
                if out:
                    break
            if out:
                break
    for p in range(1, n):
        for name, f in (('LUL', decide_lul), ('ULU', decide_ulu)):
            try:
                ch = f(T, p, K, positive)
                out.append((len(ch), chain_bits(ch), '%s p=%d' % (name, p), (p, n - p + K), ch))
            except Infeasible as e:
                reasons[(name, p)] = e.reason
            except AssertionError as e:
                reasons[(name, p)] = 'assert ' + str(e)
    return out, reasons


def candidates(T, K, positive, rng, use_completion=True, completion_if_above=5):
    n = T.nrows()
    cands = []
    s = single_layer(T, positive)
    if s is not None:
        return [(s, 0, 'identity/diagonal', None, None)]
    if K >= n:
        ch, sp_ = three_identity(T, K)
        assert check_padded(ch, sp_[0], sp_[1], T, positive)
        cands.append((3, chain_bits(ch), 'K>=n identity', sp_, ch))
    else:
        th, _ = all_three(T, K, positive)
        cands += th
        # chunked, unit scales (any mode)
        ch = chunked(T, K, rng=rng)
        if ch is not None:
            assert check_padded(ch, n, K, T, positive)
            cands.append((len(ch), chain_bits(ch), 'chunked(n|K) E=I', (n, K), ch))
        # chunked with det(T - E) = 0
        E = det_zero_E(T, rng, positive)
        if E is not None:
            ch = chunked(T, K, E=E, rng=rng)
            if ch is not None and check_padded(ch, n, K, T, positive):
                cands.append((len(ch), chain_bits(ch), 'chunked(n|K) det(T-E)=0', (n, K), ch))
        best = min(c[0] for c in cands) if cands else 99
        if use_completion and best > completion_if_above:
            Kc = K if (n + K) % 2 == 0 else K - 1
            if Kc >= 1:
                r = completion(T, Kc, rng, positive, tries=1)
                if r is not None:
                    ch, p, q = r
                    ch2, sp_ = embed_split(ch, p, q, Kc, K)
                    assert check_padded(ch2, sp_[0], sp_[1], T, positive)
                    cands.append((len(ch2), chain_bits(ch2), 'completion+core (halves of %d)' % (n + Kc), sp_, ch2))
            elif positive and T.det() < 0:
                # K = 1, n even, det < 0: the padded coordinate must absorb the sign:
                # completion of odd size n + 1 with the project's unequal split
                r = completion(T, K, rng, positive, tries=1)
                if r is not None:
                    ch, p, q = r
                    cands.append((len(ch), chain_bits(ch), 'completion+split (n+1 odd)', (p, q), ch))
            else:
                # K = 1, n even: unpadded halves (the padded coordinate idle)
                r, err = run_decompose(T, positive)
                if r is not None:
                    ch, p, q = r
                    # unpadded chain on x: embed with the padded coordinate idle in part 2
                    ch2, sp_ = embed_split(ch, p, q, 0, K)
                    assert check_padded(ch2, sp_[0], sp_[1], T, positive)
                    cands.append((len(ch2), chain_bits(ch2), 'unpadded shallow (pad idle)', sp_, ch2))
    return cands
