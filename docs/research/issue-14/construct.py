"""Float construction of <= 10 well-conditioned coupling layers for W (n = 2d).

W = s * Wn with |det Wn| = 1, and (matrix order)

  Wn = L(-Vp) . U(X) L(Y) U(Z) . diag(I, S1) . diag(I, M2) . diag(p I, I)

* L(-Vp): preconditioner, Vp = U2 U1^T from the CS decomposition of the
  orthonormalised first block column, so T := L(Vp) Wn has a well-conditioned
  T21 (singular values (c_i + s_i) times those of the column's R factor).
* U(X) L(Y) U(Z) diag(P, Q) = T for ANY invertible Y, with P = Y^-1 T21 and
  Q = Y R, R = T11 T21^-1 T22 - T12; Y = T21 / p makes P = p I (a scale).
* Q = O H (polar), O = S1 S2 (two symmetric orthogonal involutions from the
  real Schur form of O), M2 = S2 H = S1 Q is real-diagonalisable:
  M2 = H^-1/2 (H^1/2 S2 H^1/2) H^1/2.
* diag(I, M) for real-diagonalisable M = t V Phi' V^-1 is 4 layers
  (ULUL for S1, LULU for M2); adjacent same-kind layers merge: 10 in all.
"""
import numpy as np
from layers import merge_chain, apply, inv_apply


def sym_sqrt(h, power):
    w, u = np.linalg.eigh((h + h.T) / 2)
    return (u * w[None, :] ** power) @ u.T


def polar(q):
    u, s, vt = np.linalg.svd(q)
    o = u @ vt
    h = (vt.T * s[None, :]) @ vt
    return o, (h + h.T) / 2


def involutions(o):
    """Symmetric orthogonal S1, S2 with o = S1 S2 (up to rounding), the -1
    eigenvalues split evenly when det o = +1. Uses the complex eigenvectors of
    the normal matrix o (Rust: nalgebra's real Schur form instead)."""
    d = o.shape[0]
    w, v = np.linalg.eig(o)
    cols, f1, f2 = [], [], []
    minus = []
    tol = 1e-7
    for k in range(d):
        lam = w[k]
        if lam.imag > tol:
            x, y = v[:, k].real, v[:, k].imag
            cols += [x, y]
            phi = np.angle(lam)  # o (x + i y) = e^{i phi} (x + i y)
            # o x = cos x - sin y, o y = sin x + cos y: in basis (x, y) o acts as
            # [[c, s], [-s, c]] = R(-phi).  R(a) = F(a/2) F(0).
            a = -phi
            f1.append(np.array([[np.cos(a), np.sin(a)], [np.sin(a), -np.cos(a)]]))
            f2.append(np.diag([1.0, -1.0]))
        elif abs(lam.imag) <= tol:
            if lam.real > 0:
                cols.append(v[:, k].real)
                f1.append(np.ones((1, 1)))
                f2.append(np.ones((1, 1)))
            else:
                minus.append(v[:, k].real)
    # pair the -1 eigenvalues: each pair is R(pi) = F(pi/2) F(0)
    while len(minus) >= 2:
        cols += [minus.pop(), minus.pop()]
        f1.append(np.diag([-1.0, 1.0]))
        f2.append(np.diag([1.0, -1.0]))
    if minus:
        cols.append(minus.pop())
        f1.append(-np.ones((1, 1)))
        f2.append(np.ones((1, 1)))
    vb = np.array(cols).T
    vb, r = np.linalg.qr(vb)
    vb = vb * np.sign(np.diag(r))[None, :]
    F1 = np.zeros((d, d))
    F2 = np.zeros((d, d))
    i = 0
    for a, b in zip(f1, f2):
        k = a.shape[0]
        F1[i:i + k, i:i + k] = a
        F2[i:i + k, i:i + k] = b
        i += k
    s2 = vb @ F2 @ vb.T
    s2 = (s2 + s2.T) / 2
    s1 = o @ s2
    s1 = (s1 + s1.T) / 2
    return s1, s2


def block_ulul(V, Vi, phi, t, lam):
    """diag(I, V diag(phi) V^-1) as U L U L (matrix order)."""
    d = V.shape[0]
    ph = phi / t
    E2 = (1 - ph) / lam
    E1 = lam * ph / (1 - ph)
    return [('U', -(E2 * lam / phi)[:, None] * Vi, E2),
            ('L', -t * V * E2[None, :], t * np.ones(d)),
            ('U', lam[:, None] * Vi, E1),
            ('L', V.copy(), np.ones(d))]


def block_lulu(V, Vi, phi, t, lam):
    """diag(I, V diag(phi) V^-1) as L U L U (matrix order)."""
    d = V.shape[0]
    ph = phi / t
    E1 = (1 - ph) / lam
    E2 = lam * ph / (1 - ph)
    return [('L', -t * V * E1[None, :], t * np.ones(d)),
            ('U', lam[:, None] * Vi, E2),
            ('L', V.copy(), np.ones(d)),
            ('U', -(E1 * lam)[:, None] * Vi, E1)]


def preconditioner(w):
    d = w.shape[0] // 2
    q, _ = np.linalg.qr(w[:, :d])
    q1, q2 = q[:d], q[d:]
    u1, c, vt = np.linalg.svd(q1)
    a, _, bt = np.linalg.svd(q2 @ vt.T)
    u2 = a @ bt
    return u2 @ u1.T


def diag_blocks(Q, s, t1_factor=2.0, t2_factor=2.0, split=True):
    """Layers (matrix order) for diag(I, s Q): ULUL for M1 then LULU for s M2.
    split=True: Q = (H_L^1/2 S1)(S2 H^1/2), each factor carrying sqrt(cond Q);
    split=False: Q = S1 (S2 H)."""
    d = Q.shape[0]
    O, H = polar(Q)
    S1, S2 = involutions(O)
    if split:
        HL = O @ H @ O.T
        a, ai = sym_sqrt(HL, 0.25), sym_sqrt(HL, -0.25)
        C1 = a @ S1 @ a
        e, U = np.linalg.eigh((C1 + C1.T) / 2)
        V1, V1i = a @ U, U.T @ ai
        b, bi = sym_sqrt(H, 0.25), sym_sqrt(H, -0.25)
        C2 = b @ S2 @ b
        phi, Uc = np.linalg.eigh((C2 + C2.T) / 2)
        V2, V2i = bi @ Uc, Uc.T @ b
    else:
        e, U = np.linalg.eigh(S1)
        V1, V1i = U, U.T
        Hp, Hm = sym_sqrt(H, 0.5), sym_sqrt(H, -0.5)
        C = Hp @ S2 @ Hp
        phi, Uc = np.linalg.eigh((C + C.T) / 2)
        V2, V2i = Hm @ Uc, Uc.T @ Hp
    # negative eigenvalues first in both blocks (positive mode: the signs cancel)
    o1 = np.argsort(np.sign(e), kind='stable')
    e, V1, V1i = e[o1], V1[:, o1], V1i[o1]
    o2 = np.argsort(np.sign(phi), kind='stable')
    phi, V2, V2i = phi[o2] * s, V2[:, o2], V2i[o2]
    t1 = t1_factor * np.abs(e).max()
    t2 = t2_factor * np.abs(phi).max()
    b1 = block_ulul(V1, V1i, e, t1, np.ones(d))
    b2 = block_lulu(V2, V2i, phi, t2, np.ones(d))
    return b1, b2, dict(S1=S1, S2=S2, H=H, phi=phi, e=e)


def norm2(m, iters=30, seed=0):
    """2-norm estimate by power iteration on m^T m (cheap: O(d^2) per step)."""
    x = np.random.default_rng(seed).standard_normal(m.shape[1])
    for _ in range(iters):
        y = m.T @ (m @ x)
        ny = np.linalg.norm(y)
        if ny == 0:
            return 0.0
        x = y / ny
    return np.sqrt(np.linalg.norm(m.T @ (m @ x)))


def unit_cond(b):
    """Exact 2-norm condition number of a unit-scale layer with shift norm b."""
    return ((b + np.sqrt(b * b + 4)) / 2) ** 2


def choose_p(T21, T21i, A):
    """p minimising max(||Y||, ||Z||) for Y = T21/p, Z = p^2 A - p T21^-1
    (golden-section search on log p)."""
    n21 = norm2(T21)
    f = lambda lp: max(n21 / np.exp(lp), norm2(np.exp(2 * lp) * A - np.exp(lp) * T21i))
    lo, hi = np.log(1e-3), np.log(1e3)
    g = (np.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = f(a), f(b)
    for _ in range(40):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = f(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = f(b)
    return float(np.exp((lo + hi) / 2))


def construct(W, p=None, precondition=True, alpha=0.0, **kw):
    """Float64 chain (matrix order) with product ~ W, and info.
    p: the scale P = p I (None: choose_p); alpha: fraction of Z moved into the
    last layer by the free right factor U(Vq)."""
    n = W.shape[0]
    d = n // 2
    sign, logdet = np.linalg.slogdet(W)
    s = np.exp(logdet / n)
    Wn = W / s
    chain = []
    T = Wn
    if precondition:
        Vp = preconditioner(Wn)
        chain.append(('L', -Vp, np.ones(d)))
        T = apply(('L', Vp, np.ones(d)), Wn)
    T11, T12, T21, T22 = T[:d, :d], T[:d, d:], T[d:, :d], T[d:, d:]
    T21i = np.linalg.inv(T21)
    R = T11 @ T21i @ T22 - T12
    Ri = np.linalg.inv(R)
    if p is None:
        p = choose_p(T21, T21i, T21i @ T22 @ Ri @ T21i)
    Y = T21 / p
    Q = Y @ R
    Qi = p * Ri @ T21i
    X = (T11 - p * np.eye(d)) @ T21i
    Z = p * T21i @ (T22 @ Qi - np.eye(d))
    Vq = None
    if alpha:
        Vq = -alpha * Z @ Q / p
        Z = (1 - alpha) * Z
    chain += [('U', X, np.ones(d)), ('L', Y, np.ones(d)), ('U', Z, np.ones(d))]
    b1, b2, info = diag_blocks(Q, s, **kw)
    chain += b1 + b2
    # trailing diag(s p I, I) merges into the last U's scale
    k, sh, sc = chain[-1]
    chain[-1] = (k, sh, sc * s * p)
    if Vq is not None:
        chain.append(('U', -Vq, np.ones(d)))
    chain = merge_chain(chain)
    info.update(s=s, Q=Q, T21=T21, p=p)
    return chain, info


def make_positive(chain):
    """Push the sign matrices of the scales to the left end; returns the chain
    with positive scales and the leftover sign vector (all +1 iff it worked)."""
    n = 2 * chain[0][1].shape[0]
    d = n // 2
    carry = np.ones(n)
    out = []
    for k, sh, sc in reversed(chain):  # rightmost (first applied) first
        c1, c2 = carry[:d], carry[d:]
        sh = c2[:, None] * sh * c1[None, :] if k == 'L' else c1[:, None] * sh * c2[None, :]
        sg = np.sign(sc)
        if k == 'L':
            # [[I,0],[A,D]] = diag(I, sg) [[I,0],[sg A, |D|]]
            sh = sg[:, None] * sh
            carry = carry * np.concatenate([np.ones(d), sg])
        else:
            sh = sg[:, None] * sh
            carry = carry * np.concatenate([sg, np.ones(d)])
        out.append((k, sh, np.abs(sc)))
    return list(reversed(out)), carry
