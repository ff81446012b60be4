#!/usr/bin/env python3
"""Side-by-side comparison of `couplings` with FLINT (python-flint) on the same
matrices: seeded random integer matrices with entries in [-9, 9].

For each n and each strategy it times, in one run and back to back:
  * `couplings decompose --format json --strategy S` (release binary, wall time,
    peak RSS via /usr/bin/time -v when available),
  * `couplings check` of the produced layers,
  * FLINT's exact inverse of the matrix (fmpq_mat.inv),
  * FLINT's exact product of the produced layers (fmpq_mat products, dense),
and prints times, ratios, largest entry sizes (bits of numerator or denominator,
the crate's `bits`), layer counts and the worst float64 layer condition number.

Usage (from the repository root, after `cargo build --release`):
    pip install python-flint numpy
    python3 bench/compare.py --sizes 32 64 128 256 --strategies balanced shallow
    python3 bench/compare.py --sizes 64 128 256 --pad n     # padded: --pad K with K = n
    RAYON_NUM_THREADS=1 python3 bench/compare.py ...   # one core
Options: --timeout SECONDS per couplings run (default 1200), --seed, --out FILE
(also write the table there), --no-product (skip FLINT's layer product),
--product-max-n N (skip it above N). COUPLINGS_BIN overrides the binary.

FLINT's layer product is computed blockwise, as a coupling layer acts: for a
lower layer the rows of part 2 become A * M1 + D * M2 (two fmpq_mat products of
q x p by p x n and a diagonal scaling), likewise for upper layers; this is the
same work as our checker and half of a dense n x n product per layer.

Padded mode (--pad n, or --pad K for a fixed K; docs/padding.md): every run is
`couplings decompose --pad K`; FLINT's layer product is then taken on the first
n columns only ([I; 0], an (n + K) x n block, as the padded checker does) and
compared with [[T], [0]]; the layer condition numbers are of the (n + K) x
(n + K) layers. The "decompose / inv" ratio is the issue's target (10x FLINT's
exact inverse at n = 256 for --pad n).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import flint

sys.set_int_max_str_digits(0)
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("COUPLINGS_BIN", os.path.join(ROOT, "target", "release", "couplings"))


def random_matrix(n, seed):
    rng = np.random.RandomState(seed)
    while True:
        a = rng.randint(-9, 10, size=(n, n))
        m = flint.fmpz_mat([[int(x) for x in row] for row in a])
        if m.det() != 0:
            return a


def bits_of(x):
    """Bits of an fmpq / fraction string: max of numerator and denominator bits."""
    if isinstance(x, str):
        if "/" in x:
            p, q = x.split("/")
            return max(abs(int(p)).bit_length(), int(q).bit_length())
        return abs(int(x)).bit_length()
    return max(abs(int(x.p)).bit_length(), int(x.q).bit_length())


def run_timed(cmd, timeout, env):
    """Runs cmd; returns (wall seconds, peak RSS in MiB or None, stdout, ok)."""
    use_time = os.path.exists("/usr/bin/time")
    full = (["/usr/bin/time", "-v"] if use_time else []) + cmd
    t0 = time.perf_counter()
    try:
        p = subprocess.run(full, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None, None, "", False
    wall = time.perf_counter() - t0
    rss = None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    if m:
        rss = int(m.group(1)) / 1024.0
    return wall, rss, p.stdout, p.returncode == 0


def q_of(x):
    if "/" in x:
        a, b = x.split("/")
        return flint.fmpq(int(a), int(b))
    return flint.fmpq(int(x))


def layer_blocks(layer, p, q):
    """(kind, shift, diag(scale)) as fmpq_mats."""
    shift = flint.fmpq_mat([[q_of(x) for x in row] for row in layer["shift"]])
    k = len(layer["scale"])
    scale = flint.fmpq_mat(k, k)
    for i, x in enumerate(layer["scale"]):
        scale[i, i] = q_of(x)
    return layer["kind"], shift, scale


def to_float(layer, p, q):
    n = p + q
    m = np.eye(n)
    def f(x):
        if "/" in x:
            a, b = x.split("/")
            return int(a) / int(b)
        return float(int(x))
    sh = np.array([[f(x) for x in row] for row in layer["shift"]])
    sc = np.array([f(x) for x in layer["scale"]])
    if layer["kind"] == "lower":
        m[p:, :p] = sh
        m[p:, p:] = np.diag(sc)
    else:
        m[:p, p:] = sh
        m[:p, :p] = np.diag(sc)
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[32, 64])
    ap.add_argument("--strategies", nargs="+", default=["balanced", "shallow"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=1200)
    ap.add_argument("--out")
    ap.add_argument("--no-product", action="store_true")
    ap.add_argument("--product-max-n", type=int, default=10**9)
    ap.add_argument("--pad", default=None,
                    help="padded decompositions: 'n' (K = n) or an integer K")
    ap.add_argument("--product-budget", type=float, default=float("inf"),
                    help="stop FLINT's layer product after this many seconds and report the "
                         "time for the layers done (a lower bound for the whole product)")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} not found: run `cargo build --release` first")
    env = dict(os.environ)
    lines = []

    def emit(s=""):
        print(s, flush=True)
        lines.append(s)

    load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else ["?"]
    emit(f"# couplings vs FLINT {flint.__version__}, entries in [-9, 9], seed {args.seed}, "
         + (f"pad {args.pad}, " if args.pad else "")
         +
         f"RAYON_NUM_THREADS={env.get('RAYON_NUM_THREADS', 'all')}, cores {os.cpu_count()}, "
         f"load at start {' '.join(load)}")
    emit()
    emit("| n | strategy | layers | decompose (s) | check (s) | FLINT inv (s) | FLINT layer product (s) "
         "| decompose / inv | check / product | max layer bits | inverse bits | bits ratio "
         "| worst layer cond | peak RSS decompose (MiB) | peak RSS check (MiB) |")
    emit("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    tmp = tempfile.mkdtemp(prefix="couplings-bench-")
    for n in args.sizes:
        a = random_matrix(n, args.seed * 1000 + n)
        path = os.path.join(tmp, f"m{n}.txt")
        with open(path, "w") as fh:
            for row in a:
                fh.write(" ".join(str(int(x)) for x in row) + "\n")
        target = flint.fmpq_mat([[int(x) for x in row] for row in a])
        for strategy in args.strategies:
            # FLINT inverse right before couplings, on the same matrix.
            t0 = time.perf_counter()
            inv = target.inv()
            t_inv = time.perf_counter() - t0
            inv_bits = max(bits_of(inv[i, j]) for i in range(n) for j in range(n))
            out = os.path.join(tmp, f"layers-{n}-{strategy}.json")
            print(f"n = {n}, {strategy}: decompose ...", file=sys.stderr, flush=True)
            pad = 0 if not args.pad else (n if args.pad == "n" else int(args.pad))
            pad_args = ["--pad", str(pad)] if pad else []
            t_dec, rss_dec, _, ok = run_timed(
                [BIN, "decompose", path, "--format", "json", "--strategy", strategy, "-o", out]
                + pad_args,
                args.timeout, env)
            if not ok:
                emit(f"| {n} | {strategy} | - | > {args.timeout:.0f} (timeout or error) | | {t_inv:.3f} | | | | | {inv_bits} | | | | |")
                continue
            print(f"n = {n}, {strategy}: check ...", file=sys.stderr, flush=True)
            t_chk, rss_chk, _, ok_chk = run_timed(
                [BIN, "check", path, "--layers", out], args.timeout, env)
            dec = json.load(open(out))
            p, q = dec["split"]
            layers = dec["layers"]
            max_bits = max(
                max([bits_of(x) for row in l["shift"] for x in row] + [bits_of(x) for x in l["scale"]])
                for l in layers)
            t_prod = None
            done = len(layers)
            if not args.no_product and n <= args.product_max_n:
                blocks = [layer_blocks(l, p, q) for l in layers]
                t0 = time.perf_counter()
                # Padded: only the first n columns ([I; 0]); else the whole product.
                width = p + q - pad
                top = flint.fmpq_mat(p, width)
                bottom = flint.fmpq_mat(q, width)
                for i in range(min(p, width)):
                    top[i, i] = 1
                for i in range(q):
                    if p + i < width:
                        bottom[i, p + i] = 1
                done = 0
                for kind, shift, scale in blocks:
                    if kind == "lower":
                        bottom = shift * top + scale * bottom
                    else:
                        top = scale * top + shift * bottom
                    done += 1
                    if time.perf_counter() - t0 > args.product_budget:
                        break
                t_prod = time.perf_counter() - t0
                prod = flint.fmpq_mat(p + q, width)
                for i in range(p):
                    for j in range(width):
                        prod[i, j] = top[i, j]
                for i in range(q):
                    for j in range(width):
                        prod[p + i, j] = bottom[i, j]
                want = flint.fmpq_mat(p + q, width)
                for i in range(n):
                    for j in range(n):
                        want[i, j] = target[i, j]
                if done == len(blocks):
                    assert prod == want, "FLINT: the layers do not multiply to the target"
            cond = max(np.linalg.cond(to_float(l, p, q)) for l in layers)
            fmt = lambda x, d=3: "-" if x is None else f"{x:.{d}f}"
            chk = fmt(t_chk) if ok_chk else "FAILED"
            partial = t_prod is not None and done < len(layers)
            prod_cell = (f">= {t_prod:.1f} (first {done} of {len(layers)} layers)" if partial else fmt(t_prod))
            ratio_cell = ("-" if t_prod is None else ("<= " if partial else "") + f"{t_chk / t_prod:.2f}")
            emit(f"| {n} | {strategy} | {len(layers)} | {t_dec:.3f} | {chk} | {t_inv:.3f} | {fmt(t_prod)} "
                 f"| {t_dec / t_inv:.1f} | {'-' if t_prod is None else f'{t_chk / t_prod:.2f}'} "
                 f"| {max_bits} | {inv_bits} | {max_bits / inv_bits:.2f} | {cond:.3g} "
                 f"| {fmt(rss_dec, 0)} | {fmt(rss_chk, 0)} |")
    load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else ["?"]
    emit()
    emit(f"load at end {' '.join(load)}")
    if args.out:
        with open(args.out, "w") as fh:
            fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
