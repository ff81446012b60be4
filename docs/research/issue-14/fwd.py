"""float32 forward error of the f32 chain vs W x, with the baseline of a plain
float32 matmul W x, for the issue's '1e-5 of W x' target."""
import sys, numpy as np
from families import *
from construct import construct
from refit import round_chain
from certify import round_layer
def run(ch, W, x):
    d = W.shape[0] // 2
    y = x.astype(np.float32)
    for k, sh, sc in reversed(ch):
        sh32, sc32 = sh.astype(np.float32), sc.astype(np.float32)
        if k == 'L':
            y = np.concatenate([y[:d], sh32 @ y[:d] + sc32[:, None] * y[d:]])
        else:
            y = np.concatenate([sc32[:, None] * y[:d] + sh32 @ y[d:], y[d:]])
    return y.astype(np.float64)
if __name__ == "__main__":
  for c in [12, 24, 48, 96, 192, 384]:
      for name, W in [("rot", glow_rotation(c)), ("lu", glow_lu(c))]:
          ch, _ = construct(W, alpha=0.3)
          ch = [round_layer(l, 24)[0] for l in round_chain(ch, W, 'next')]
          x = np.random.default_rng(0).standard_normal((c, 1024))
          ref = W @ x
          y = run(ch, W, x)
          base = (W.astype(np.float32) @ x.astype(np.float32)).astype(np.float64)
          rel = lambda z: (np.linalg.norm(z - ref, axis=0) / np.linalg.norm(ref, axis=0)).max()
          nrm = lambda z: (np.linalg.norm(z - ref, axis=0) / (np.linalg.norm(W, 2) * np.linalg.norm(x, axis=0))).max()
          mx = lambda z: np.abs(z - ref).max()
          print(f"{name} c={c}: chain rel {rel(y):.1e} (matmul {rel(base):.1e}); ||err||/(||W|| ||x||) {nrm(y):.1e} (matmul {nrm(base):.1e}); max abs {mx(y):.1e} (matmul {mx(base):.1e})", flush=True)
