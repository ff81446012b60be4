"""Regenerates the bundled Glow-style 1x1 convolution weights in examples/.

Deterministic (numpy's PCG64 with fixed seeds); numpy only. Run from the
repository root:

    python3 python/make_glow_examples.py

Writes
  examples/glow_random_rotation_8.npy   float32, shape (8, 8, 1, 1)
  examples/glow_random_rotation_16.npy  float32, shape (16, 16, 1, 1)
  examples/glow_lu_8.npy                float32, shape (8, 8)
  examples/glow_flow_8.safetensors      a two-step "checkpoint": tensors
      flow.0.invconv.weight (the rotation, float32 (8, 8, 1, 1)),
      flow.1.invconv.weight (the LU weight, float32 (8, 8, 1, 1)) and
      flow.0.actnorm.bias (float32 (8,)); pick one with --tensor NAME

The rotations are initialised as Glow does (Kingma & Dhariwal 2018,
`w_init = qr(randn(c, c))[0]`), with the sign of one column flipped when the
determinant is negative so that det W = +1 (positive mode needs det > 0).

The LU one is Glow's LU parametrisation W = P L (U + diag(sign_s * exp(log_s)))
with P a permutation, L unit lower triangular and U strictly upper triangular:
it starts from the LU factorisation (partial pivoting) of a Glow rotation and
then perturbs L, U and log_s with seeded noise, as training would; computed in
float32 like the model.
"""

import json
import os
import struct

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def glow_rotation(c, seed):
    rng = np.random.default_rng(seed)
    w = np.linalg.qr(rng.standard_normal((c, c)))[0]
    if np.linalg.det(w) < 0:
        w[:, 0] = -w[:, 0]
    return w.astype(np.float32)


def lu_partial_pivoting(a):
    """P, L, U with a = P @ L @ U (L unit lower, U upper)."""
    a = np.array(a, dtype=np.float64)
    n = a.shape[0]
    perm = np.arange(n)
    lower = np.eye(n)
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        if p != k:
            a[[k, p], :] = a[[p, k], :]
            lower[[k, p], :k] = lower[[p, k], :k]
            perm[[k, p]] = perm[[p, k]]
        for i in range(k + 1, n):
            lower[i, k] = a[i, k] / a[k, k]
            a[i, k:] -= lower[i, k] * a[k, k:]
    # a_original[perm] = L U, so a_original = P L U with P[perm[i], i] = 1
    p_full = np.zeros((n, n))
    p_full[perm, np.arange(n)] = 1.0
    return p_full, lower, np.triu(a)


def glow_lu(c, seed):
    rng = np.random.default_rng(seed)
    w0 = glow_rotation(c, seed).astype(np.float64)
    p, lower, upper = lu_partial_pivoting(w0)
    assert np.allclose(p @ lower @ upper, w0)
    s = np.diag(upper)
    sign_s = np.sign(s)
    log_s = np.log(np.abs(s)) + 0.1 * rng.standard_normal(c)
    l_strict = np.tril(lower, -1) + 0.05 * np.tril(rng.standard_normal((c, c)), -1)
    u_strict = np.triu(upper, 1) + 0.05 * np.triu(rng.standard_normal((c, c)), 1)
    if np.linalg.det(p) * np.prod(sign_s) < 0:
        sign_s[0] = -sign_s[0]
    f = np.float32
    lmat = l_strict.astype(f) + np.eye(c, dtype=f)
    umat = u_strict.astype(f) + np.diag((sign_s * np.exp(log_s)).astype(f))
    return p.astype(f) @ lmat @ umat


def write_safetensors(path, tensors, metadata):
    """A minimal safetensors writer (F32 tensors; header padded to 8 bytes)."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text.encode() + b"".join(blobs))


def main():
    out = os.path.join(ROOT, "examples")
    for c in (8, 16):
        w = glow_rotation(c, seed=2018 + c)
        np.save(os.path.join(out, f"glow_random_rotation_{c}.npy"), w.reshape(c, c, 1, 1))
    w = glow_lu(8, seed=2018)
    assert w.dtype == np.float32 and np.linalg.det(w) > 0
    np.save(os.path.join(out, "glow_lu_8.npy"), w)
    rot = glow_rotation(8, seed=2018 + 8)
    write_safetensors(
        os.path.join(out, "glow_flow_8.safetensors"),
        {
            "flow.0.invconv.weight": rot.reshape(8, 8, 1, 1),
            "flow.1.invconv.weight": w.reshape(8, 8, 1, 1),
            "flow.0.actnorm.bias": np.linspace(-1, 1, 8, dtype=np.float32),
        },
        {"note": "Glow-style invertible 1x1 convolutions (python/make_glow_examples.py)"},
    )
    print("wrote examples/glow_random_rotation_{8,16}.npy, examples/glow_lu_8.npy "
          "and examples/glow_flow_8.safetensors")


if __name__ == "__main__":
    main()
