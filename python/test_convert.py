"""`couplings convert` files through the reference loaders (numpy, torch, normflows).

Run by `cargo test` (tests/python_roundtrip.rs) and by hand:

    python3 python/test_convert.py --bin target/debug/couplings [--workdir DIR]

Parts (each prints what it measured; figures in docs/export.md, "Reference
loaders"):

  0. format checks, without the binary: load_converted refuses a file of
     another format or format_version, and a manifest that disagrees with
     num_chains.
  Parts 1-3 need `BIN convert`. When `BIN convert --help` fails (a build
  without the subcommand) they are SKIPPED with a loud "SKIPPED:" line and the
  script still passes; the lead's merged build runs them.
  1. numpy, signed and positive mode: a small Glow checkpoint
     (make_glow_examples.cifar_glow_tensors with c = 4, 6, 12, plain
     (c, c, 1, 1) weights and normflows LU groups, decoys)
     plus two weights that must fail (an odd c = 5, whose tolerance
     construction needs an even c, and an LU group with sign_S = 0.5) is
     converted; every chain's W is rebuilt here from the checkpoint (the LU
     product in float64), and on 64 Gaussian inputs:
       ||forward(X) - X W^T||_F / ||X W^T||_F <= 10 r        (float64 tensors)
       ||inverse(X W^T) - X||_F / ||X||_F     <= 10 r cond(W)
       |logdet - log|det W||                  <= 2 c cond(W) r + 1e-12
       float32 tensors: forward error         <= 1e-5
     with r the chain's certified_rel_error; the failed weights are in
     `.failed` (and a warning), never silently dropped; in positive mode
     every layer uses the certified exact scales (float32 and float64). A
     tensor named like an LU group's key (two manifest entries share it, one
     failed) loads the converted one and lists the other in `.failed`.
  2. torch (when importable, else "SKIPPED: torch not installed"), both
     files of part 1 (positive: the frozen module uses the exact scales):
     Conv1x1Couplings from the converted file against torch's conv2d with W
     (computed in float64 from the checkpoint) on (2, c, 5, 7) inputs, float64
     and float32: forward <= 10 r (float64) / 1e-5 (float32); inverse of
     conv2d(x, W) back to x <= 10 r cond(W) (float64) / 1e-5 cond(W)
     (float32); |logdet - H W log|det W|| <= H W (2 c cond(W) r + t) with
     t = 1e-12 (1 + |log det W|) (float64) or 1e-6 |log det W| + 1e-5
     (float32); logdet is a 0-dim tensor; the gradient of sum(y) with respect
     to x reaches the input and is W^T 1 per pixel (forward tolerance times
     cond(W)); invert=True swaps forward and inverse exactly; load_converted's
     default direction is invert=True for LU groups, False for plain weights.
  3. normflows (when importable, else "SKIPPED: normflows not installed"):
     real normflows.flows.Invertible1x1Conv(c, use_lu=True) and (use_lu=False)
     modules (c = 4, 6, 12), every parameter perturbed as training would, the
     state_dict saved with the safetensors package (or by hand when it is not
     installed), converted with --tolerance 1e-6 (float32 entries) and 1e-14
     (float64 entries); our modules (invert=True: normflows' forward is W^-1)
     against normflows' own forward, inverse and log_det, float64 and float32:
     inverse (W z) <= max(10 r, 1e-13) (float64) / 1e-5 (float32), forward
     (W^-1 z) that times cond(W), log_det as in part 2 with H W = 16.

With --cifar, parts 1 and 2 run on a CIFAR-sized Glow (make_glow_examples:
96 weights, c = 12, 24, 48, plain and LU) and print timings against conv2d.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import couplings_flow  # noqa: E402
from couplings_flow import load_converted, read_safetensors  # noqa: E402
from make_glow_examples import (  # noqa: E402
    cifar_glow_tensors,
    normflows_lu_tensors,
    write_safetensors,
)
from test_roundtrip import report_failures  # noqa: E402

FAILURES = []
TABLE = []  # (part, key, c, dtype, measure, value, bound)


def check(ok, msg):
    if not ok:
        FAILURES.append(msg)


def measure(part, key, c, dtype, what, value, bound):
    TABLE.append((part, key, c, dtype, what, value, bound))
    check(value <= bound, f"{part} {key} ({dtype}): {what} = {value:.3e} > {bound:.3e}")


def _np(a):
    return a.detach().cpu().numpy() if hasattr(a, "detach") else a


def rel(a, b):
    a, b = _np(a), _np(b)
    return float(np.linalg.norm(np.asarray(a, np.float64) - np.asarray(b, np.float64))
                 / max(np.linalg.norm(np.asarray(b, np.float64)), 1e-300))


def lu_weight(t, prefix):
    """normflows' W = P (tril(L, -1) + I) (triu(U, 1) + diag(sign_S exp(log_S))) in float64."""
    g = {k: np.asarray(t[f"{prefix}{k}"], np.float64) for k in ("P", "L", "U", "log_S", "sign_S")}
    c = g["P"].shape[0]
    lower = np.tril(g["L"], -1) + np.eye(c)
    upper = np.triu(g["U"], 1) + np.diag(g["sign_S"] * np.exp(g["log_S"]))
    return g["P"] @ lower @ upper


def source_weight(ckpt, chain):
    """W of a converted chain, rebuilt from the checkpoint tensors (not from the output)."""
    src = chain.source
    if src["kind"] == "normflows-lu":
        return lu_weight(ckpt, src["tensors"][0][: -len("P")])
    w = np.asarray(ckpt[src["tensors"][0]], np.float64)
    return w.reshape(w.shape[0], w.shape[0])


def convert(binary, ckpt, out, extra=()):
    cmd = [binary, "convert", ckpt, "-o", out, "--quiet", *extra]
    return subprocess.run(cmd, capture_output=True, text=True)


# ---------------------------------------------------------------- part 0

def part0_format_checks(workdir):
    def refused(meta, needle):
        path = os.path.join(workdir, "bad_format.safetensors")
        write_safetensors(path, {}, meta)
        try:
            load_converted(path)
        except ValueError as e:
            check(needle in str(e), f"part 0: error {e!s} does not mention {needle!r}")
            return
        FAILURES.append(f"part 0: {meta} was not refused")

    manifest = '{"chains": []}'
    refused({"format": "couplings-checkpoint", "format_version": "2", "manifest": manifest},
            "format_version")
    refused({"format": "couplings-layers", "format_version": "1"}, "couplings-checkpoint")
    refused({"format": "couplings-checkpoint", "format_version": "1"}, "manifest")
    refused({"format": "couplings-checkpoint", "format_version": "1", "manifest": manifest,
             "num_chains": "3"}, "num_chains")
    print("part 0: load_converted refuses other formats and versions")


# ---------------------------------------------------------------- part 1

def small_checkpoint(path):
    t = cifar_glow_tensors(kind="mixed", levels=(4, 6, 12), steps=2, hidden=0, seed=7)
    rng = np.random.default_rng(5)
    t["bad.odd.weight"] = (np.eye(5) + 0.1 * rng.standard_normal((5, 5))).astype(np.float32)
    bad = {k.replace("blocks.0.flows.1.invconv", "bad.lu"): v.copy()
           for k, v in t.items() if k.startswith("blocks.0.flows.1.invconv.")}
    bad["bad.lu.sign_S"][0] = 0.5
    t.update(bad)
    write_safetensors(path, t, {"note": "python/test_convert.py"})
    return t


def part1_numpy(binary, workdir, rng, cifar=False, mode="signed"):
    """The small checkpoint (with two failing weights), or with cifar=True the
    CIFAR-sized Glow of make_glow_examples (96 weights, plain and LU), converted
    in `mode` (positive: the loader must use the certified exact scales)."""
    name = "glow_cifar" if cifar else "glow_small"
    ckpt_path = os.path.join(workdir, f"{name}.safetensors")
    out = os.path.join(workdir, f"{name}.{mode}.couplings.safetensors")
    if cifar:
        ckpt = cifar_glow_tensors(kind="mixed", hidden=0)
        write_safetensors(ckpt_path, ckpt, {"note": "python/test_convert.py --cifar"})
        expected = sorted([n for n in ckpt if n.endswith(".invconv.weight")]
                          + [n[: -len(".P")] for n in ckpt if n.endswith(".invconv.P")])
        expected_failed, match = [], ["--match", "*invconv*"]
    else:
        ckpt = small_checkpoint(ckpt_path)
        expected = sorted([f"blocks.{b}.flows.0.invconv.weight" for b in range(3)]
                          + [f"blocks.{b}.flows.1.invconv" for b in range(3)])
        expected_failed = ["bad.lu", "bad.odd.weight"]
        match = ["--match", "*invconv*", "--match", "bad*"]
    start = time.time()
    res = convert(binary, ckpt_path, out, match + ["--mode", mode])
    seconds = time.time() - start
    want_rc = 1 if expected_failed else 0
    check(res.returncode == want_rc, f"part 1: convert exit {res.returncode} (expected "
          f"{want_rc}): {res.stderr}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chains = load_converted(out)
        chains32 = load_converted(out, dtype="float32")
    warned = any("not converted" in str(w.message) for w in caught)
    check(warned == bool(expected_failed), f"part 1: warning for failures: {warned}")
    check(sorted(chains.failed) == expected_failed, f"part 1: failed = {sorted(chains.failed)}")
    check(sorted(chains) == expected, f"part 1: chains {sorted(chains)}")
    suffix = "" if mode == "signed" else f" {mode}"
    for key, chain in chains.items():
        kind = chain.source["kind"]
        check(kind == ("weight" if key.endswith(".weight") else "normflows-lu"),
              f"part 1: {key} has source kind {kind}")
        check(chain.mode == mode, f"part 1: {key}: mode {chain.mode}")
        if mode == "positive":
            check(all(layer.exact_scale and layer.log_scale is not None
                      for layer in chains32[key].layers + chain.layers),
                  f"part 1: {key}: the loader did not use the certified exact scales")
        w = source_weight(ckpt, chain)
        c = w.shape[0]
        r = float(chain.metadata["certified_rel_error"])
        cond = float(np.linalg.cond(w))
        x = rng.standard_normal((64, c))
        ref = x @ w.T
        y, ld = chain.forward(x)
        xb, _ = chain.inverse(ref)
        measure("numpy", key, c, "float64" + suffix, "forward", rel(y, ref), 10 * r)
        measure("numpy", key, c, "float64" + suffix, "inverse", rel(xb, x), 10 * r * cond)
        measure("numpy", key, c, "float64" + suffix, "logdet", abs(ld[0] - np.linalg.slogdet(w)[1]),
                2 * c * cond * r + 1e-12)
        y32, _ = chains32[key].forward(x.astype(np.float32))
        check(y32.dtype == np.float32, "part 1: float32 chain does not compute in float32")
        measure("numpy", key, c, "float32" + suffix, "forward", rel(y32, ref), 1e-5)
    summary = subprocess.run([sys.executable, os.path.join(HERE, "couplings_flow.py"), out],
                             capture_output=True, text=True)
    check(summary.returncode == 0
          and f"{len(expected)} chains, {len(expected_failed)} failed" in summary.stdout
          and all(k in summary.stdout for k in expected + expected_failed),
          f"part 1: summary output\n{summary.stdout}{summary.stderr}")
    print(f"part 1: {len(chains)} chains loaded with numpy, {len(chains.failed)} failures "
          f"reported ({mode} mode; convert took {seconds:.1f} s)")
    return ckpt, out, expected_failed


def part1_duplicate_key(binary, workdir):
    """A tensor named like an LU group's key: the converter keeps the first
    candidate and reports the second as failed under the same key; the loader
    must load the one and list the other in `.failed`."""
    t = normflows_lu_tensors("dup", 4, 3)
    t["dup"] = (2 * np.eye(4) + np.eye(4, k=1)).astype(np.float32)
    ckpt, out = os.path.join(workdir, "dup.safetensors"), os.path.join(workdir, "dup.out.safetensors")
    write_safetensors(ckpt, t, {})
    res = convert(binary, ckpt, out)
    check(res.returncode == 1, f"part 1 (duplicate key): convert exit {res.returncode}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chains = load_converted(out)
    check(list(chains) == ["dup"] and list(chains.failed) == ["dup"]
          and chains["dup"].source.get("kind") == "normflows-lu",
          f"part 1 (duplicate key): chains {list(chains)}, failed {chains.failed}")


# ---------------------------------------------------------------- part 2

def part2_torch(ckpt, out, expected_failed, torch, mode="signed"):
    import couplings_torch
    from couplings_torch import Conv1x1Couplings

    conv2d = torch.nn.functional.conv2d
    gen = torch.Generator().manual_seed(11)
    suffix = "" if mode == "signed" else f" {mode}"
    for dtype, dname in ((torch.float64, "float64"), (torch.float32, "float32")):
        name = dname + suffix
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the two failures of part 1
            mods = couplings_torch.load_converted(out, dtype=dtype)
            chains = load_converted(out, dtype=dname)
        check(sorted(mods.failed) == expected_failed, "part 2: failed not passed on")
        for key, mod in mods.items():
            chain = chains[key]
            check(mod.invert == (chain.source["kind"] == "normflows-lu"),
                  f"part 2: {key}: default invert {mod.invert}")
            mod = Conv1x1Couplings(chain, dtype=dtype, invert=False)
            # Positive mode: a frozen module computes with the certified scales.
            check(mode != "positive" or not mod.flow.log_param,
                  f"part 2: {key}: positive-mode module does not use the exact scales")
            w = source_weight(ckpt, chain)
            c = w.shape[0]
            r = float(chain.metadata["certified_rel_error"])
            cond = float(np.linalg.cond(w))
            logabs = float(np.linalg.slogdet(w)[1])
            f32 = dtype == torch.float32
            fwd_tol = 1e-5 if f32 else 10 * r
            inv_tol = (1e-5 if f32 else 10 * r) * cond
            wt = torch.from_numpy(w).view(c, c, 1, 1)
            x = torch.randn(2, c, 5, 7, generator=gen, dtype=torch.float64)
            ref = conv2d(x, wt)
            xin = x.to(dtype).clone().requires_grad_(True)
            y, ld = mod(xin)
            check(y.dtype == dtype and y.shape == x.shape, f"part 2: {key}: output {y.dtype}")
            check(ld.dim() == 0, f"part 2: {key}: logdet shape {tuple(ld.shape)}")
            measure("torch", key, c, name, "forward vs conv2d", rel(y.detach(), ref), fwd_tol)
            hw = 5 * 7
            ld_tol = hw * (2 * c * cond * r + (1e-6 * abs(logabs) + 1e-5 if f32
                                               else 1e-12 * (1 + abs(logabs))))
            measure("torch", key, c, name, "logdet", abs(float(ld) - hw * logabs), ld_tol)
            y.sum().backward()
            grad = (w.T @ np.ones(c)).reshape(1, c, 1, 1) * np.ones((2, c, 5, 7))
            check(xin.grad is not None, f"part 2: {key}: no gradient reached the input")
            measure("torch", key, c, name, "grad", rel(xin.grad, grad), fwd_tol * cond)
            back, ld_inv = mod.inverse(ref.to(dtype))
            measure("torch", key, c, name, "inverse of conv2d", rel(back, x), inv_tol)
            check(float(ld_inv) == -float(ld), f"part 2: {key}: inverse logdet not -logdet")
            swapped = Conv1x1Couplings(chain, dtype=dtype, invert=True)
            with torch.no_grad():
                a, la = swapped(ref.to(dtype))
                b, lb = mod.inverse(ref.to(dtype))
            check(torch.equal(a, b) and float(la) == float(lb), f"part 2: {key}: invert=True")
    print(f"part 2: Conv1x1Couplings agrees with conv2d (float64 and float32, {mode} mode)")


def cifar_timing(ckpt, out, torch):
    """Wall time of Conv1x1Couplings (float32, one thread, no grad) against
    conv2d with W, at the CIFAR Glow activation shapes: batch 64, c = 12, 24,
    48 at 16x16, 8x8, 4x4 (a figure, not a check)."""
    import couplings_torch

    torch.set_num_threads(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mods = couplings_torch.load_converted(out, invert=False)

    def per_call(f, reps=100):
        f()
        start = time.perf_counter()
        for _ in range(reps):
            f()
        return (time.perf_counter() - start) / reps * 1e3

    print("timing (float32, 1 thread, batch 64, ms per call):")
    for b, hw in ((0, 16), (1, 8), (2, 4)):
        key = f"blocks.{b}.flows.0.invconv.weight"
        mod, c = mods[key], mods[key].num_channels
        w = torch.from_numpy(np.ascontiguousarray(ckpt[key]))
        x = torch.randn(64, c, hw, hw)
        with torch.no_grad():
            ours, ref = per_call(lambda: mod(x)), per_call(lambda: torch.nn.functional.conv2d(x, w))
        print(f"  c = {c:2} ({hw}x{hw}): Conv1x1Couplings {ours:.2f} ms, conv2d {ref:.2f} ms "
              f"({ours / ref:.1f}x)")


# ---------------------------------------------------------------- part 3

def part3_normflows(binary, workdir, torch, normflows):
    import couplings_torch

    torch.manual_seed(3)
    sizes = (4, 6, 12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # normflows calls torch's deprecated Tensor.lu
        flows = torch.nn.ModuleList(
            [normflows.flows.Invertible1x1Conv(c, use_lu=True) for c in sizes]
            + [normflows.flows.Invertible1x1Conv(c, use_lu=False) for c in sizes])
    with torch.no_grad():  # as training would: every parameter moves
        for p in flows.parameters():
            p.add_(0.05 * torch.randn_like(p))
    state = {k: v.detach().numpy() for k, v in flows.state_dict().items()}
    ckpt = os.path.join(workdir, "normflows.safetensors")
    try:
        from safetensors.numpy import save_file

        save_file({k: np.ascontiguousarray(v) for k, v in state.items()}, ckpt)
        how = "safetensors.numpy.save_file"
    except ImportError:
        write_safetensors(ckpt, state, {})
        how = "make_glow_examples.write_safetensors (the safetensors package is not installed)"
    n = len(sizes)
    keys = [str(i) for i in range(n)] + [f"{i}.W" for i in range(n, 2 * n)]
    gen = torch.Generator().manual_seed(13)
    # The default tolerance (float32 entries) and 1e-14 (float64 entries).
    for eps in ("1e-6", "1e-14"):
        out = os.path.join(workdir, f"normflows.{eps}.couplings.safetensors")
        res = convert(binary, ckpt, out, ["--tolerance", eps])
        check(res.returncode == 0, f"part 3: convert failed ({res.returncode}): {res.stderr}")
        if res.returncode != 0:
            return
        for dtype, name in ((torch.float64, "float64"), (torch.float32, "float32")):
            label = f"{name} eps {eps}"
            defaults = couplings_torch.load_converted(out, dtype=dtype)
            check(sorted(defaults) == sorted(keys), f"part 3: keys {sorted(defaults)}")
            check(all(defaults[k].invert == (i < n) for i, k in enumerate(keys)),
                  "part 3: default invert is not True for LU groups and False for weights")
            # normflows' forward applies W^-1 for both parametrisations.
            mods = couplings_torch.load_converted(out, dtype=dtype, invert=True)
            f32 = dtype == torch.float32
            for i, key in enumerate(keys):
                nf = flows[i].to(dtype)
                c = sizes[i % n]
                with torch.no_grad():
                    w = (nf._assemble_W() if nf.use_lu else nf.W).double().numpy()
                r = float(defaults.entries[key]["metadata"]["certified_rel_error"])
                cond = float(np.linalg.cond(w))
                logabs = float(np.linalg.slogdet(w)[1])
                z = torch.randn(3, c, 4, 4, generator=gen, dtype=torch.float64).to(dtype)
                with torch.no_grad():
                    nf_y, nf_ld = nf(z)
                    my_y, my_ld = mods[key](z)
                    nf_x, nf_ld_inv = nf.inverse(z)
                    my_x, my_ld_inv = mods[key].inverse(z)
                check(mods[key].flow.dtype == dtype and my_y.dtype == dtype, "part 3: dtype")
                tol = 1e-5 if f32 else max(10 * r, 1e-13)
                measure("normflows", key, c, label, "forward (W^-1 z)", rel(my_y, nf_y),
                        tol * cond)
                measure("normflows", key, c, label, "inverse (W z)", rel(my_x, nf_x), tol)
                hw = 16
                ld_tol = hw * (2 * c * cond * r + (1e-6 * abs(logabs) + 1e-5 if f32
                                                   else 1e-12 * (1 + abs(logabs))))
                measure("normflows", key, c, label, "log_det", abs(float(my_ld) - float(nf_ld)),
                        ld_tol)
                measure("normflows", key, c, label, "inverse log_det",
                        abs(float(my_ld_inv) - float(nf_ld_inv)), ld_tol)
            flows.to(torch.float32)
    print(f"part 3: normflows Invertible1x1Conv (use_lu True/False) reproduced; saved with {how}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.environ.get("COUPLINGS_BIN",
                                                    os.path.join(ROOT, "target/debug/couplings")))
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--cifar", action="store_true",
                    help="parts 1 and 2 on a CIFAR-sized Glow (96 weights, c = 12, 24, 48) "
                    "instead of the small checkpoint (a measurement, not run by cargo test)")
    ap.add_argument("--table", action="store_true", help="print every measurement, not only "
                    "the worst per measure")
    args = ap.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="couplings-convert-")
    os.makedirs(workdir, exist_ok=True)
    rng = np.random.default_rng(20261201)

    part0_format_checks(workdir)
    ran = ["format checks"]
    helped = subprocess.run([args.bin, "convert", "--help"], capture_output=True, text=True)
    if helped.returncode != 0:
        print(f"SKIPPED: `{args.bin} convert` is not available (convert --help exited "
              f"{helped.returncode}); load_converted, Conv1x1Couplings and the normflows "
              "checks did not run")
    else:
        modes = ("signed",) if args.cifar else ("signed", "positive")
        runs = {m: part1_numpy(args.bin, workdir, rng, cifar=args.cifar, mode=m) for m in modes}
        ckpt, out, expected_failed = runs["signed"]
        if not args.cifar:
            part1_duplicate_key(args.bin, workdir)
        ran.append("numpy")
        try:
            import torch
        except ImportError:
            torch = None
            print("SKIPPED: torch not installed - Conv1x1Couplings untested "
                  "(pip install torch to run it)")
        if torch is not None:
            for m, (ckpt_m, out_m, failed_m) in runs.items():
                part2_torch(ckpt_m, out_m, failed_m, torch, mode=m)
            ran.append("torch")
            if args.cifar:
                cifar_timing(ckpt, out, torch)
            try:
                import normflows
            except ImportError:
                normflows = None
                print("SKIPPED: normflows not installed - the normflows comparison did not run "
                      "(pip install normflows to run it)")
            if normflows is not None and not args.cifar:
                part3_normflows(args.bin, workdir, torch, normflows)
                ran.append("normflows")

    if TABLE and args.table:
        print(f"{'part':9} {'key':34} {'c':>3} {'dtype':18} {'measure':20} {'value':>9} {'bound':>9}")
        for part, key, c, dt, what, value, bound in TABLE:
            print(f"{part:9} {key:34} {c:>3} {dt:18} {what:20} {value:9.2e} {bound:9.2e}")
    if TABLE:
        worst = {}
        for part, _, _, dt, what, value, bound in TABLE:
            k = (part, dt, what)
            v, q, n = worst.get(k, (0.0, 0.0, 0))
            worst[k] = (max(v, value), max(q, value / bound), n + 1)
        print(f"worst per measure ({len(TABLE)} measurements; value/bound <= 1 passes):")
        for (part, dt, what), (value, ratio, n) in sorted(worst.items()):
            print(f"  {part:9} {dt:18} {what:20} worst {value:9.2e}   worst value/bound "
                  f"{ratio:5.3f}   ({n} chains)")
    if report_failures(FAILURES):
        return 1
    print(f"ok: convert checks passed ({', '.join(ran)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
