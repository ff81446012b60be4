import numpy as np, math
from families import *
from construct import construct
from certify import round_layer
for c in [384]:
    for name, W in [("rot", glow_rotation(c)), ("lu", glow_lu(c))]:
        ch, _ = construct(W, alpha=0.3)
        for bits in [24, 53]:
            Fs = [round_layer(l, bits)[1][3] for l in ch]
            ent = [max(int(np.abs(round_layer(l, bits)[1][1]).max()), int(np.abs(round_layer(l, bits)[1][2]).max())).bit_length() for l in ch]
            # right-to-left accumulation: layer K-1 applied first
            S = 0; limbs_total = 0; d = c // 2
            prog = []
            for F in reversed(Fs):
                S += F
                L = math.ceil((S + 4) / 64)   # output limbs (|P| <= ~16)
                limbs_total += 2 * d**3 * L
                prog.append(S)
            print(f"{name} c={c} bits={bits}: F per layer (matrix order) {Fs}; entry bits {ent}; cumulative S {prog}; "
                  f"64-bit limb mul-adds {limbs_total/1e6:.0f}M (2 d^3 = {2*d**3/1e6:.1f}M per layer)")
