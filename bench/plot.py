#!/usr/bin/env python3
"""Draws docs/entry-bits.svg from the comparison tables written by
bench/compare.py (bench/results-*.txt): largest layer entry (bits) against n for
each strategy, next to the largest entry of the exact inverse, log-log axes.
Plain SVG, no plotting library needed:  python3 bench/plot.py bench/results-*.txt
"""

import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(paths):
    series = {}
    for path in paths:
        for line in open(path):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 12 or not cells[0].isdigit() or cells[9] in ("", "-"):
                continue
            n, strategy = int(cells[0]), cells[1]
            try:
                bits, inv = int(cells[9]), int(cells[10])
            except ValueError:
                continue
            series.setdefault(strategy, {})[n] = bits
            series.setdefault("exact inverse", {})[n] = inv
    return series


def main():
    paths = sys.argv[1:] or [os.path.join(ROOT, "bench", f) for f in sorted(os.listdir(os.path.join(ROOT, "bench"))) if f.startswith("results-")]
    series = read(paths)
    W, H, L, R, T, B = 640, 420, 70, 170, 30, 50
    ns = sorted({n for s in series.values() for n in s})
    bits = [b for s in series.values() for b in s.values()]
    x0, x1 = math.log2(min(ns)), math.log2(max(ns))
    y0, y1 = math.floor(math.log10(min(bits))), math.ceil(math.log10(max(bits)))
    x1 = max(x1, x0 + 1)
    X = lambda n: L + (math.log2(n) - x0) / (x1 - x0) * (W - L - R)
    Y = lambda b: H - B - (math.log10(b) - y0) / (y1 - y0) * (H - T - B)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<line x1="{L}" y1="{H-B}" x2="{W-R}" y2="{H-B}" stroke="black"/>',
           f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H-B}" stroke="black"/>']
    for n in ns:
        out.append(f'<line x1="{X(n):.1f}" y1="{H-B}" x2="{X(n):.1f}" y2="{H-B+5}" stroke="black"/>')
        out.append(f'<text x="{X(n):.1f}" y="{H-B+18}" text-anchor="middle">{n}</text>')
    for e in range(y0, y1 + 1):
        out.append(f'<line x1="{L-5}" y1="{Y(10**e):.1f}" x2="{W-R}" y2="{Y(10**e):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{L-8}" y="{Y(10**e)+4:.1f}" text-anchor="end">1e{e}</text>')
    out.append(f'<text x="{(L+W-R)/2}" y="{H-10}" text-anchor="middle">n (random integer matrix, entries in [-9, 9])</text>')
    out.append(f'<text x="15" y="{(T+H-B)/2}" transform="rotate(-90 15 {(T+H-B)/2})" text-anchor="middle">largest entry (bits)</text>')
    colors = {"shallow": "#d62728", "balanced": "#1f77b4", "exact inverse": "#2ca02c", "conditioned": "#9467bd"}
    for k, (name, s) in enumerate(sorted(series.items())):
        pts = sorted(s.items())
        c = colors.get(name, "#555")
        path = " ".join(f"{X(n):.1f},{Y(b):.1f}" for n, b in pts)
        dash = ' stroke-dasharray="5,4"' if name == "exact inverse" else ""
        out.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="2"{dash}/>')
        for n, b in pts:
            out.append(f'<circle cx="{X(n):.1f}" cy="{Y(b):.1f}" r="3" fill="{c}"><title>{name}, n = {n}: {b} bits</title></circle>')
        ly = T + 20 + 20 * k
        out.append(f'<line x1="{W-R+15}" y1="{ly}" x2="{W-R+40}" y2="{ly}" stroke="{c}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{W-R+45}" y="{ly+4}">{name}</text>')
    out.append("</svg>")
    dest = os.path.join(ROOT, "docs", "entry-bits.svg")
    with open(dest, "w") as fh:
        fh.write("\n".join(out) + "\n")
    print(f"wrote {dest}")


if __name__ == "__main__":
    main()
