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

With --cifar OUT.safetensors (function write_cifar_glow) it writes instead a
CIFAR-sized Glow checkpoint (three levels of 32 steps, c = 12, 24, 48: 96
invertible 1x1 convolutions, as float32 (c, c, 1, 1) `invconv.weight` tensors,
normflows-style LU groups with --kind lu, or both with --kind mixed) with
actnorm and coupling-network decoys; a few MB, not committed:

    python3 python/make_glow_examples.py --cifar /tmp/glow_cifar.safetensors
    couplings convert /tmp/glow_cifar.safetensors -o /tmp/glow_cifar.couplings.safetensors \
        --match '*invconv*'

The rotations are initialised as Glow does (Kingma & Dhariwal 2018,
`w_init = qr(randn(c, c))[0]`), with the sign of one column flipped when the
determinant is negative so that det W = +1 (positive mode needs det > 0).

The LU one is Glow's LU parametrisation W = P L (U + diag(sign_s * exp(log_s)))
with P a permutation, L unit lower triangular and U strictly upper triangular:
it starts from the LU factorisation (partial pivoting) of a Glow rotation and
then perturbs L, U and log_s with seeded noise, as training would; computed in
float32 like the model.
"""

import argparse
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


def glow_lu_parts(c, seed):
    """The float64 LU parameters (P, strict L, strict U, sign_s, log_s) of a
    trained-looking Glow LU weight: the LU factors of a Glow rotation, then
    L, U and log_s perturbed with seeded noise; det > 0."""
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
    return p, l_strict, u_strict, sign_s, log_s


def glow_lu(c, seed):
    p, l_strict, u_strict, sign_s, log_s = glow_lu_parts(c, seed)
    f = np.float32
    lmat = l_strict.astype(f) + np.eye(c, dtype=f)
    umat = u_strict.astype(f) + np.diag((sign_s * np.exp(log_s)).astype(f))
    return p.astype(f) @ lmat @ umat


def normflows_lu_tensors(prefix, c, seed):
    """The float32 buffers and parameters normflows'
    `Invertible1x1Conv(c, use_lu=True)` keeps in its state_dict (names
    `prefix.P`, `.L` (unit lower), `.U` (strict upper), `.log_S`, `.sign_S`,
    `.eye`) for the weight W = P (tril(L, -1) + I) (triu(U, 1) + diag(sign_S
    exp(log_S))) of glow_lu_parts."""
    p, l_strict, u_strict, sign_s, log_s = glow_lu_parts(c, seed)
    f = np.float32
    return {
        f"{prefix}.P": p.astype(f),
        f"{prefix}.L": (l_strict + np.eye(c)).astype(f),
        f"{prefix}.U": u_strict.astype(f),
        f"{prefix}.log_S": log_s.astype(f),
        f"{prefix}.sign_S": sign_s.astype(f),
        f"{prefix}.eye": np.eye(c, dtype=f),
    }


CIFAR_LEVELS = (12, 24, 48)
CIFAR_STEPS = 32


def cifar_glow_tensors(kind="weight", levels=CIFAR_LEVELS, steps=CIFAR_STEPS, hidden=32, seed=2018):
    """The tensors of a CIFAR-sized Glow checkpoint (Kingma & Dhariwal 2018:
    three levels of 32 steps, channels 12, 24, 48 after squeezing: 96
    invertible 1x1 convolutions), named as in a typical PyTorch Glow
    (`blocks.{b}.flows.{k}.` + actnorm / invconv / coupling).

    kind: "weight": each invconv is a float32 (c, c, 1, 1) `invconv.weight`
    (a Glow rotation, perturbed as training would); "lu": normflows-style LU
    groups `invconv.{P,L,U,log_S,sign_S,eye}`; "mixed": even steps weight,
    odd steps LU. Decoys that are not invertible 1x1 convolutions: actnorm
    `loc`/`logs` (1, c, 1, 1), the coupling network's 3x3 convs and biases,
    and its middle 1x1 conv `coupling.net.2.weight` (hidden, hidden, 1, 1),
    which IS square: `couplings convert` picks it up unless given
    `--match '*invconv*'` (hidden=0 leaves the middle conv out)."""
    if kind not in ("weight", "lu", "mixed"):
        raise ValueError(f"kind must be weight, lu or mixed, not {kind!r}")
    rng = np.random.default_rng(seed)
    f = np.float32
    tensors = {}
    for b, c in enumerate(levels):
        for k in range(steps):
            base = f"blocks.{b}.flows.{k}"
            step_seed = seed + 1000 * b + k
            tensors[f"{base}.actnorm.loc"] = (0.1 * rng.standard_normal((1, c, 1, 1))).astype(f)
            tensors[f"{base}.actnorm.logs"] = (0.1 * rng.standard_normal((1, c, 1, 1))).astype(f)
            if kind == "lu" or (kind == "mixed" and k % 2 == 1):
                tensors.update(normflows_lu_tensors(f"{base}.invconv", c, step_seed))
            else:
                w = glow_rotation(c, step_seed).astype(np.float64)
                w += 0.02 * rng.standard_normal((c, c))  # training moves it off the rotations
                if np.linalg.det(w) < 0:
                    w[:, 0] = -w[:, 0]
                tensors[f"{base}.invconv.weight"] = w.astype(f).reshape(c, c, 1, 1)
            width = hidden if hidden > 0 else 512
            half = c // 2
            tensors[f"{base}.coupling.net.0.weight"] = (
                0.05 * rng.standard_normal((width, half, 3, 3))).astype(f)
            tensors[f"{base}.coupling.net.0.bias"] = np.zeros(width, dtype=f)
            if hidden > 0:
                tensors[f"{base}.coupling.net.2.weight"] = (
                    0.05 * rng.standard_normal((hidden, hidden, 1, 1))).astype(f)
                tensors[f"{base}.coupling.net.2.bias"] = np.zeros(hidden, dtype=f)
            tensors[f"{base}.coupling.net.4.weight"] = np.zeros((c, width, 3, 3), dtype=f)
            tensors[f"{base}.coupling.net.4.bias"] = np.zeros(c, dtype=f)
            tensors[f"{base}.coupling.net.4.scale"] = np.zeros((1, c, 1, 1), dtype=f)
    return tensors


def write_cifar_glow(path, kind="weight", levels=CIFAR_LEVELS, steps=CIFAR_STEPS, hidden=32,
                     seed=2018):
    """Writes cifar_glow_tensors(...) to a safetensors checkpoint at `path`;
    returns the names of its invertible 1x1 convolutions (keys `couplings
    convert` gives them: the weight name, or the LU group's prefix)."""
    tensors = cifar_glow_tensors(kind, levels, steps, hidden, seed)
    write_safetensors(path, tensors, {
        "note": f"CIFAR-sized Glow-style checkpoint, invconv kind {kind} "
                "(python/make_glow_examples.py --cifar)"})
    weights = [n for n in tensors if n.endswith(".invconv.weight")]
    groups = [n[: -len(".P")] for n in tensors if n.endswith(".invconv.P")]
    return sorted(weights + groups)


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


def main(argv=None):
    ap = argparse.ArgumentParser(description="Writes the bundled Glow examples (no arguments) "
                                 "or, with --cifar OUT, a CIFAR-sized Glow checkpoint.")
    ap.add_argument("--cifar", metavar="OUT.safetensors",
                    help="write a CIFAR-sized Glow checkpoint (96 invertible 1x1 convolutions, "
                    "c = 12, 24, 48, 32 steps each, plus actnorm and coupling decoys) instead")
    ap.add_argument("--kind", choices=("weight", "lu", "mixed"), default="weight",
                    help="with --cifar: (c, c, 1, 1) invconv.weight tensors, normflows-style "
                    "LU groups, or both alternating (default weight)")
    ap.add_argument("--hidden", type=int, default=32,
                    help="with --cifar: width of the coupling networks; their middle 1x1 conv "
                    "(hidden, hidden, 1, 1) is square, so pass --match '*invconv*' to "
                    "couplings convert; 0 leaves it out (default 32)")
    ap.add_argument("--steps", type=int, default=CIFAR_STEPS, help="with --cifar: steps per level")
    args = ap.parse_args(argv)
    if args.cifar:
        names = write_cifar_glow(args.cifar, kind=args.kind, steps=args.steps, hidden=args.hidden)
        print(f"wrote {args.cifar}: {len(names)} invertible 1x1 convolutions ({args.kind}), "
              f"levels c = {', '.join(map(str, CIFAR_LEVELS))}, {args.steps} steps each")
        return
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
