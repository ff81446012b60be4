"""Round trip of `couplings export` through the numpy reference loader.

Run by `cargo test` (tests/python_roundtrip.rs) and by hand:

    python3 python/test_roundtrip.py --bin target/debug/couplings [--workdir DIR]

For each case the test exports a matrix W with the couplings binary, loads the
safetensors file with couplings_flow.CouplingChain and, on 64 random standard
normal inputs X (rows), measures

    e_fwd  = ||forward(X) - X W^T||_F / ||X W^T||_F
    e_inv  = ||inverse(forward(X)) - X||_F / ||X||_F
    e_invW = ||inverse(X W^T) - X||_F / ||X||_F
    e_mat  = ||chain.matrix() - W||_F / ||W||_F
    e_ld   = |logdet - log|det W|| (and sign(det W) = product of the scale signs, signed mode)

W is read independently of the Rust code (numpy for .npy, fractions for text).

Stated tolerances:
  * every case: e_ld <= 1e-9 * (1 + |log det W|) (tolerance exports:
    2 n cond(W) r for the certified bound r); e_mat agrees with the
    exporter's reported `float64_chain_rel_error` within a factor 100 (or both
    are below 1e-12, or both exceed 1e100 / overflow; numpy and nalgebra sum
    in different orders); the `target` tensor equals W (or, with
    --round D, differs from it by at most 10^-D / 2 per entry);
  * "strict" cases (well-conditioned chains: the Cayley rotation and small
    integer matrices): e_fwd, e_inv, e_invW <= 1e-8 and e_mat <= 1e-9 with the
    float64 tensors; e_fwd <= max(10 * reported float32 error, 1e-5) with the
    float32 tensors; the torch module (when torch is installed) agrees with
    numpy to max(1e-12, 10 e) for numpy's own error e (e_fwd forward, e_inv
    inverse: both are float64 evaluations of one chain in different summation
    orders) and the logdets to 1e-12 relative.
  * padded chains (--pad K, format version 2, docs/padding.md): the same
    measures for inputs of dimension n_in = n - pad, plus the padded outputs
    e_tail = ||last pad outputs of the layers on [x; 0]|| / ||X W^T|| and
    e_mat on the first n_in columns of the whole product against [[W], [0]];
    logdet is checked against log|det| of the whole padded product (not W);
    strict padded cases use the strict tolerances, and e_tail <= 1e-8;
  * the bundled Glow weights (examples/*.npy, and one tensor of
    examples/glow_flow_8.safetensors chosen with --tensor) are exported with and without
    --round and reported in a table; their float chains from the shallow
    strategy are badly conditioned, so only the every-case checks apply;
    exported with --strategy conditioned they are "strict" cases; exported
    with --tolerance 1e-6 their float64 chain must be within the certified
    bound r of W (e_mat <= r, e_fwd <= 10 r) and, in positive mode, use the
    exact scales.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from couplings_flow import CouplingChain, read_safetensors  # noqa: E402


def read_text_matrix(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].replace(",", " ").split()
            if line:
                rows.append([float(Fraction(v)) for v in line])
    return np.array(rows, dtype=np.float64)


def read_weight(path, extra):
    if path.endswith(".safetensors"):
        tensors, _ = read_safetensors(path)
        w = tensors[extra[extra.index("--tensor") + 1]]
        c = w.shape[0]
        return w.reshape(c, c).astype(np.float64)
    if path.endswith(".npy"):
        w = np.load(path)
        c = w.shape[0]
        return w.reshape(c, c).astype(np.float64)
    return read_text_matrix(path)


def rel(a, b):
    with np.errstate(all="ignore"):
        return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def consistent(mine, reported):
    if not np.isfinite(mine) or not np.isfinite(reported) or mine > 1e300 or reported > 1e300:
        return (not np.isfinite(mine) or mine > 1e100) and (
            not np.isfinite(reported) or reported > 1e100
        )
    if mine <= 1e-12 and reported <= 1e-12:
        return True
    lo, hi = min(mine, reported), max(mine, reported)
    return lo > 0 and hi / lo <= 100.0


def report_failures(failures):
    """Prints the failed checks to standard error; True when there are any."""
    if failures:
        print(f"FAILED: {len(failures)} checks", file=sys.stderr)
        for f in failures:
            print("  " + f, file=sys.stderr)
    return bool(failures)


def export(binary, src, out, mode, extra):
    cmd = [binary, "export", src, "--output", out, "--mode", mode] + extra
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr}")
    return res.stdout


def run_case(binary, workdir, name, src, mode, extra, strict, rng, failures, rows, torch_mod):
    out = os.path.join(workdir, f"{name}.{mode}.safetensors".replace(" ", "_"))
    export(binary, src, out, mode, extra)
    chain = CouplingChain.load(out)
    meta = chain.metadata
    w_read = read_weight(src, extra)
    target = chain.target
    n = chain.n_in
    padded = chain.pad > 0

    def fail(msg):
        failures.append(f"{name} ({mode}): {msg}")

    # The target tensor is W (or W rounded).
    if "--round" in extra:
        digits = int(extra[extra.index("--round") + 1])
        if np.max(np.abs(target - w_read)) > 0.5 * 10.0 ** (-digits) * (1 + 1e-9):
            fail("target differs from W by more than the rounding allows")
        w = target
    else:
        if not np.allclose(target, w_read, rtol=1e-15, atol=0):
            fail("target tensor differs from W as read by numpy")
        w = w_read

    x = rng.standard_normal((64, n))
    ref = x @ w.T
    with np.errstate(all="ignore"):
        y, ld = chain.forward(x)
        xb, ld_inv = chain.inverse(y)
        xw, _ = chain.inverse(ref)
        e_fwd, e_inv, e_invw = rel(y, ref), rel(xb, x), rel(xw, x)
        if padded:
            full = chain.matrix()
            expected = np.zeros((chain.n, n))
            expected[:n, :] = w[np.ix_(chain.order, chain.order)]
            e_mat = float(np.linalg.norm(full[:, :n] - expected) / np.linalg.norm(w))
            e_tail = float(np.linalg.norm(chain.forward_full(x)[:, n:]) / np.linalg.norm(ref))
        else:
            e_mat = rel(chain.matrix(), w)
    # A padded chain's log-determinant is that of the whole padded map.
    sign, logabs = np.linalg.slogdet(chain.matrix() if padded else w)
    e_ld = abs(ld[0] - logabs)
    if not (ld.shape == (64,) and np.all(ld == ld[0]) and np.all(ld_inv == -ld[0])):
        fail("logdet has the wrong shape or sign")
    if "--tolerance" in extra:
        # The chain is within r of W, not W: |log det P - log det W| is at most
        # about ||W^-1 (P - W)||_* <= n cond(W) r (first order).
        ld_tol = 2 * n * np.linalg.cond(w) * float(meta["certified_rel_error"]) + 1e-12
    else:
        ld_tol = 1e-9 * (1 + abs(logabs))
    if not e_ld <= ld_tol:
        fail(f"logdet {ld[0]!r} differs from log|det W| = {logabs!r}")
    if chain.mode == "signed":
        s = np.prod([np.prod(np.sign(layer.scale)) for layer in chain.layers])
        if s != sign:
            fail("the signs of the scales do not give sign(det W)")
    elif any(layer.log_scale is None for layer in chain.layers):
        fail("positive mode without log-scales")
    reported = float(meta["float64_chain_rel_error"])
    if not consistent(e_mat, reported):
        fail(f"python product error {e_mat:.3e} disagrees with the reported {reported:.3e}")
    if padded and chain.n_in != w.shape[0]:
        fail("n - pad differs from the dimension of W")
    if padded and strict and not e_tail <= 1e-8:
        fail(f"e_tail = {e_tail:.3e} > 1e-8: the padded outputs are not 0")
    if "--tolerance" in extra:
        # Certified tolerance mode: the loaded float64 chain is the certified
        # one (exact scales in positive mode), so its product is within the
        # certified bound of W up to float64 evaluation.
        bound = float(meta["certified_rel_error"])
        if not e_mat <= bound * (1 + 1e-6) + 1e-12:
            fail(f"e_mat = {e_mat:.3e} exceeds the certified bound {bound:.3e}")
        if not e_fwd <= 10 * bound + 1e-12:
            fail(f"e_fwd = {e_fwd:.3e} is far above the certified bound {bound:.3e}")
        if chain.mode == "positive":
            stored, _ = read_safetensors(out)
            for i, layer in enumerate(chain.layers):
                if not np.array_equal(layer.scale, stored[f"layer.{i}.exact_scale"]):
                    fail(f"layer {i}: the loader did not use the exact scales")
        if torch_mod is not None:
            from couplings_torch import CouplingFlow

            ty, _ = CouplingFlow(out)(torch_mod.from_numpy(x))
            if rel(ty.numpy(), y) > 1e-12:
                fail("torch module disagrees with numpy (tolerance export)")
    if strict:
        for label, e, tol in (("e_fwd", e_fwd, 1e-8), ("e_inv", e_inv, 1e-8),
                              ("e_invW", e_invw, 1e-8), ("e_mat", e_mat, 1e-9)):
            if not e <= tol:
                fail(f"{label} = {e:.3e} > {tol:g}")
        chain32 = CouplingChain.load(out, dtype="float32")
        y32, _ = chain32.forward(x.astype(np.float32))
        e32 = rel(y32.astype(np.float64), ref)
        tol32 = max(10 * float(meta["float32_chain_rel_error"]), 1e-5)
        if not e32 <= tol32:
            fail(f"float32 e_fwd = {e32:.3e} > {tol32:.3e}")
        if torch_mod is not None:
            torch = torch_mod
            from couplings_torch import CouplingFlow

            flow = CouplingFlow(out)
            ty, tld = flow(torch.from_numpy(x))
            tx, _ = flow.inverse(ty)
            # Both are float64 evaluations of the same chain in different
            # summation orders: they agree to about the chain's own rounding
            # error (1e-11 for the cond-1e7 layers of the Cayley rotation).
            tol_f, tol_i = max(1e-12, 10 * e_fwd), max(1e-12, 10 * e_inv)
            e_tf, e_ti = rel(ty.numpy(), y), rel(tx.numpy(), xb)
            if e_tf > tol_f or e_ti > tol_i:
                fail(f"torch module disagrees with numpy ({e_tf:.2e} > {tol_f:.2e} "
                     f"or {e_ti:.2e} > {tol_i:.2e})")
            if abs(float(tld[0]) - ld[0]) > 1e-12 * (1 + abs(ld[0])):
                fail("torch logdet disagrees with numpy")
    conds = [float(v) for v in meta["layer_condition_numbers"].split(",") if v]
    rows.append((name, mode, len(chain.layers), meta["max_entry_bits"], max(conds + [1.0]),
                 reported, e_fwd, e_inv, e_ld, "strict" if strict else "report"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.environ.get("COUPLINGS_BIN",
                                                    os.path.join(ROOT, "target/debug/couplings")))
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--quick", action="store_true", help="skip the 16-channel example")
    args = ap.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="couplings-roundtrip-")
    os.makedirs(workdir, exist_ok=True)
    try:
        import torch  # noqa: F401

        torch_mod = torch
        torch.set_default_dtype(torch.float64)
    except ImportError:
        torch_mod = None
        print("SKIP: torch is not installed; the PyTorch module test did not run "
              "(pip install torch to run it)")

    rng = np.random.default_rng(20240605)
    # Small integer matrices (det > 0), written in the text format.
    cases = [("cayley_rotation_8", os.path.join(ROOT, "examples/glow_rotation_8.txt"), [], True)]
    for n in (4, 6):
        while True:
            m = rng.integers(-4, 5, size=(n, n))
            d = round(np.linalg.det(m))
            if d != 0:
                break
        if d < 0:
            m[0] = -m[0]
        path = os.path.join(workdir, f"random_int_{n}.txt")
        with open(path, "w") as f:
            f.write("\n".join(" ".join(str(v) for v in row) for row in m) + "\n")
        cases.append((f"random_int_{n}", path, [], True))
    glow = ["glow_random_rotation_8", "glow_lu_8"] + ([] if args.quick else ["glow_random_rotation_16"])
    for g in glow:
        src = os.path.join(ROOT, "examples", f"{g}.npy")
        cases.append((g, src, [], False))
        for d in (1, 2, 3):
            cases.append((f"{g} --round {d}", src, ["--round", str(d)], False))
        # The conditioned strategy exports usable float chains of the exact
        # weights: held to the strict tolerances.
        cases.append((f"{g} conditioned", src, ["--strategy", "conditioned"], True))
        # The certified tolerance mode (docs/export.md, "Tolerance mode").
        cases.append((f"{g} tolerance", src, ["--tolerance", "1e-6"], False))

    # Padded chains (docs/padding.md): K = n (three unit layers), K < n (the
    # chunked chain and a near-halves chain with a mask: the last column of
    # masked_5 has a zero), and the conditioned (scaled) chain of a Glow weight.
    masked = os.path.join(workdir, "masked_5.txt")
    with open(masked, "w") as f:
        f.write("2 1 0 1 0\n1 3 1 2 1\n0 1 4 1 2\n1 2 1 5 1\n2 0 1 1 3\n")
    cases.append(("cayley_rotation_8 --pad 8", os.path.join(ROOT, "examples/glow_rotation_8.txt"),
                  ["--pad", "8"], True))
    cases.append(("random_int_6 --pad 2", os.path.join(workdir, "random_int_6.txt"), ["--pad", "2"], True))
    cases.append(("masked_5 --pad 3", masked, ["--pad", "3"], True))
    cases.append(("glow_lu_8 --pad 8 conditioned", os.path.join(ROOT, "examples", "glow_lu_8.npy"),
                  ["--pad", "8", "--strategy", "conditioned"], True))

    # A tensor picked by name from a safetensors "checkpoint".
    cases.append(("glow_flow_8.safetensors flow.1", os.path.join(ROOT, "examples/glow_flow_8.safetensors"),
                  ["--tensor", "flow.1.invconv.weight"], False))

    failures, rows = [], []
    for name, src, extra, strict in cases:
        for mode in ("signed", "positive"):
            run_case(args.bin, workdir, name, src, mode, extra, strict, rng, failures, rows,
                     torch_mod)

    print(f"{'case':36} {'mode':8} {'K':>2} {'bits':>5} {'worst cond':>10} "
          f"{'f64 chain':>10} {'e_fwd':>10} {'e_inv':>10} {'e_logdet':>9} check")
    for r in rows:
        print(f"{r[0]:36} {r[1]:8} {r[2]:>2} {r[3]:>5} {r[4]:10.2e} {r[5]:10.2e} "
              f"{r[6]:10.2e} {r[7]:10.2e} {r[8]:9.1e} {r[9]}")
    if report_failures(failures):
        return 1
    print(f"ok: {len(rows)} exports round-tripped through the numpy loader"
          + ("" if torch_mod is None else " (and the torch module)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
