import numpy as np
from families import *
from construct import *
for c in [12, 24, 48, 96, 192]:
    W = glow_lu(c)
    d = c//2
    s = np.exp(np.linalg.slogdet(W)[1]/c); Wn = W/s
    Vp = preconditioner(Wn)
    T = Wn.copy(); T[d:] = T[d:] + Vp @ Wn[:d]
    T11, T12, T21, T22 = T[:d,:d], T[:d,d:], T[d:,:d], T[d:,d:]
    R = T11 @ np.linalg.solve(T21, T22) - T12
    Q = T21 @ R
    print(f"c={c} cond W {np.linalg.cond(W):.1f} s={s:.2f} ||Wn||={np.linalg.norm(Wn,2):.2f} cond T21 {np.linalg.cond(T21):.1f} cond R {np.linalg.cond(R):.1f} cond Q {np.linalg.cond(Q):.1f} cond(Wn21) {np.linalg.cond(Wn[d:,:d]):.1f}")
