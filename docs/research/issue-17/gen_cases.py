#!/usr/bin/env python3
"""Generates the hostile-input cases of issue 17 into cases/ (deterministic).

Run from docs/research/issue-17:  python3 gen_cases.py
Every file name starts with its class (c1 .. c10, cx for "same pattern
elsewhere"). The commands each case is run through are in run_cases.sh.
"""
import hashlib
import json
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
os.makedirs(OUT, exist_ok=True)


def w(name, data):
    path = os.path.join(OUT, name)
    mode = "wb" if isinstance(data, (bytes, bytearray)) else "w"
    with open(path, mode, **({} if mode == "wb" else {"newline": ""})) as f:
        f.write(data)


# ---------------------------------------------------------------- helpers

def npy(header_dict_text, data, major=1):
    """An .npy file with an arbitrary (hand-written) header dict literal."""
    h = header_dict_text
    pre = 6 + 2 + (2 if major == 1 else 4)
    pad = (64 - (pre + len(h) + 1) % 64) % 64
    h = h + " " * pad + "\n"
    hb = h.encode("latin1" if major < 3 else "utf8")
    ln = struct.pack("<H", len(hb)) if major == 1 else struct.pack("<I", len(hb))
    return b"\x93NUMPY" + bytes([major, 0]) + ln + hb + data


def f8(vals, order="<"):
    return struct.pack(order + "%dd" % len(vals), *vals)


def safetensors(header_text, data):
    hb = header_text.encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    return struct.pack("<Q", len(hb)) + hb + data


def canonical(rows):
    return "".join(" ".join(str(x) for x in r) + "\n" for r in rows)


def certificate(n, split, mode, target_rows, layers, hints):
    """layers: list of (kind, scale list, shift rows); hints: list of (after, rows)."""
    t = canonical(target_rows)
    out = ["couplings-certificate 1", "n %d" % n, "split %d %d" % split, "mode " + mode,
           "target-sha256 " + hashlib.sha256(t.encode()).hexdigest(), "target"]
    out.append(t.rstrip("\n"))
    out.append("layers %d" % len(layers))
    for i, (kind, scale, shift) in enumerate(layers):
        out.append("layer %d %s" % (i, kind))
        out.append("scale " + " ".join(str(s) for s in scale))
        out.append("shift %d %d" % (len(shift), len(shift[0]) if shift else 0))
        for r in shift:
            out.append(" ".join(str(x) for x in r))
    for after, rows in hints:
        out.append("hint %d" % after)
        out.append(canonical(rows).rstrip("\n"))
    out.append("end")
    return "\n".join(out) + "\n"


def layers_json(n, split, mode, layers, extra_top=""):
    """JSON layer format written by hand (so duplicate keys can be injected)."""
    ls = []
    for kind, shift, scale in layers:
        ls.append('{"kind": "%s", "shift": %s, "scale": %s}'
                  % (kind, json.dumps(shift), json.dumps(scale)))
    return ('{"n": %d, "split": [%d, %d], "mode": "%s", %s"layers": [%s]}\n'
            % (n, split[0], split[1], mode, extra_top, ", ".join(ls)))


# The rotation [[0,-1],[1,0]] = U(-1) L(1) U(-1) (application order U, L, U).
ROT = [("upper", [["-1"]], ["1"]), ("lower", [["1"]], ["1"]), ("upper", [["-1"]], ["1"])]
ROT_T = "0 -1\n1 0\n"

# ---------------------------------------------------------------- class 1
# Float analysis on extreme entries (exact path must survive).
w("c1_entry_1e400.txt", "1e400 0\n0 1\n")
w("c1_entry_1e-400.txt", "1e-400 0\n0 1\n")
w("c1_entry_500digit_int.txt", "1" + "7" * 499 + " 1\n1 2\n")
w("c1_entry_500digit_den.txt", "1/" + "3" * 500 + " 1\n1 2\n")
w("c1_entry_1e300_next_to_half.txt", "1e300 0.5\n0.5 1\n")
w("c1_entry_1e300_half_4x4.txt", "1e300 0.5 0 0\n0.5 1 0 0\n0 0 1 0\n0 0 0 1\n")
w("c1_entry_1e308_dense_4x4.txt", "1e308 2 3 4\n5 1e-308 7 8\n9 10 1e308 12\n13 14 15 1\n")
w("c1_entry_1e400_4x4.txt", "1e400 1 0 0\n1 1 0 0\n0 0 1 1\n0 0 -1 1\n")
w("c1_npy_subnormal_5e-324.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8([5e-324, 0, 0, 5e-324])))
w("c1_npy_subnormal_mixed_4x4.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), }",
      f8([5e-324, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 2.5e-320, 0, 0, 3, 1])))
w("c1_npy_1e300_and_half.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8([1e300, 0.5, 0.5, 1.0])))
w("c1_npy_max_finite.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
      f8([1.7976931348623157e308, 1.0, 1.0, 1.7976931348623157e308])))
# Memory amplification: 8 characters of text become a 332 000-bit integer.
w("c1_exponent_amplification.txt", "\n".join(" ".join(["1e99999"] * 300) for _ in range(300)) + "\n")

# ---------------------------------------------------------------- class 2
# .npy headers that numpy reads differently (numpy: the LAST duplicate wins,
# and it refuses extra keys and a list shape).
A = [1.0, 2.0, 3.0, 5.0]  # C order [[1,2],[3,5]]; its transpose differs
w("c2_npy_dup_fortran_order.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'fortran_order': True, }", f8(A)))
w("c2_npy_dup_descr.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'descr': '>f8', }", f8(A)))
w("c2_npy_dup_shape.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'shape': (4, 1), }", f8(A)))
w("c2_npy_extra_key.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'foo': 1, }", f8(A)))
w("c2_npy_shape_list.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': [2, 2], }", f8(A)))
w("c2_npy_shape_bool.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (True, True), }", f8([1.0])))
w("c2_npy_descr_pipe_f8.npy",
  npy("{'descr': '|f8', 'fortran_order': False, 'shape': (2, 2), }", f8(A)))
w("c2_npy_v3_nonascii_key.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'é': 1, }", f8(A), major=3))
w("c2_npy_trailing_bytes.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8(A) + b"JUNK"))
w("c2_npy_shape_u64_overflow.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", f8(A)))
# valid reference files for the npyz comparison: each dtype/order/shape
for name, descr, order, fortran, shape, vals in [
    ("f2_le", "<f2", "<", False, (2, 2), A), ("f2_be", ">f2", ">", False, (2, 2), A),
    ("f4_le", "<f4", "<", False, (2, 2), A), ("f4_be", ">f4", ">", False, (2, 2), A),
    ("f8_be_fortran", ">f8", ">", True, (2, 2), A), ("f8_le_4d", "<f8", "<", False, (2, 2, 1, 1), A),
]:
    code = {"f2": "e", "f4": "f", "f8": "d"}[descr[1:]]
    arr = np.array(vals, dtype=np.float64).reshape(2, 2)
    stored = arr.T.flatten() if fortran else arr.flatten()  # Fortran order stores columns
    data = struct.pack(order + "%d%s" % (len(stored), code), *stored)
    w("ok_npy_%s.npy" % name,
      npy("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, str(shape)), data))

# ---------------------------------------------------------------- class 3
# Export writes unusable floats silently.
w("c3_export_scale_1e-50.txt", "1e-50 0\n0 1\n")
w("c3_export_scale_-1e-50.txt", "-1e-50 0\n0 1\n")
w("c3_export_scale_1e50.txt", "1e50 0\n0 1\n")
w("c3_export_shift_1e-50.txt", "1 0\n1e-50 1\n")
w("c3_export_diag_5e-324.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8([5e-324, 0, 0, 5e-324])))
w("c3_export_diag_1e-40_f32_subnormal.txt", "1e-40 0\n0 1e40\n")

# ---------------------------------------------------------------- class 4
# safetensors offsets (and the other JSON-header hazards of the same reader).
D4 = f8(A)  # 32 bytes


def st1(entry, data=D4, extra=""):
    return safetensors('{"w": %s%s}' % (entry, extra), data)


w("c4_st_reversed_offsets.safetensors",
  st1('{"dtype": "F64", "shape": [2, 2], "data_offsets": [64, 0]}', D4 * 4))
w("c4_st_u64max_offsets.safetensors",
  st1('{"dtype": "F64", "shape": [2, 2], "data_offsets": [18446744073709551615, 18446744073709551615]}'))
w("c4_st_u64max_end.safetensors",
  st1('{"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 18446744073709551615]}'))
w("c4_st_trailing_garbage.safetensors",
  st1('{"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]}', D4 + b"GARBAGE!" * 4))
w("c4_st_gap_before.safetensors",
  st1('{"dtype": "F64", "shape": [2, 2], "data_offsets": [8, 40]}', b"\0" * 8 + D4))
w("c4_st_overlap.safetensors",
  safetensors('{"a": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]}, '
              '"b": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]}}', D4))
w("c4_st_dup_tensor_name.safetensors",
  safetensors('{"w": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]}, '
              '"w": {"dtype": "F64", "shape": [2, 2], "data_offsets": [32, 64]}}',
              f8(A) + f8([5.0, 3.0, 2.0, 1.0])))
w("c4_st_dup_dtype_key.safetensors",
  st1('{"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 32], "dtype": "F64"}'))
w("c4_st_dup_metadata.safetensors",
  safetensors('{"__metadata__": {"k": "a"}, "__metadata__": {"k": "b"}, '
              '"w": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]}}', D4))
w("c4_st_nonfloat_bad_size.safetensors",
  safetensors('{"w": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]}, '
              '"x": {"dtype": "I64", "shape": [1000], "data_offsets": [0, 3]}}', D4))
w("c4_st_shape_overflow.safetensors",
  st1('{"dtype": "F64", "shape": [4294967296, 4294967296, 2], "data_offsets": [0, 32]}'))
w("c4_st_unknown_field.safetensors",
  st1('{"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32], "extra": 1}'))
w("c4_st_header_len_beyond_file.safetensors", struct.pack("<Q", 99_999_999) + b"{}")
w("c4_st_header_leading_space.safetensors",
  safetensors('   {"w": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]}}', D4))
# duplicate name over the same 32 bytes: first = F64 2x2, last = F16 4x4 (both square)
w("c4_st_dup_tensor_same_bytes.safetensors",
  safetensors('{"w": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]}, '
              '"w": {"dtype": "F16", "shape": [4, 4], "data_offsets": [0, 32]}}',
              struct.pack("<16e", *[1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2])))
w("c4_st_metadata_nonstring.safetensors",
  st1('{"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]}', extra=', "__metadata__": {"k": 1}'))
# npy whose data-size message wraps: (2^61 - 1,) float64 = 2^64 - 8 bytes, + header
w("cx_npy_truncated_wrap.npy",
  npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693951,), }", f8(A)))
# npy v2 announcing a 4 GiB header in 12 bytes (readers that allocate the header first)
w("cx_npy_v2_header_4gib.npy", b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFFF))
# JSON layer file whose split makes rows * cols enormous (capacity from an unchecked product)
w("cx_json_capacity.json",
  '{"n": 1000000000000001, "split": [1, 1000000000000000], "mode": "signed", '
  '"layers": [{"kind": "upper", "shift": [["1"]], "scale": ["1"]}]}\n')
# a valid reference file
w("ok_st_f64.safetensors", st1('{"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]}'))

# ---------------------------------------------------------------- class 5
# Proof kernel resource exhaustion.
w("c5_nested_parens.proof", "block X\nlemma deep: " + "(" * 3000 + "X" + ")" * 3000 + " = X\n")
w("c5_nested_brackets.proof",
  "block X\nlemma deep: " + "[[" * 2000 + "X, 0], [0, X]]" + ", 0], [0, X]]" * 1999 + " = 0\n")
w("c5_power_blowup.proof", "block A, B\nlemma blow: (A + B)^16 (A + B)^16 = 0\n")
w("c5_power_tower.proof", "block A, B\nlemma tower: (A + B)^16^16 = 0\n")
w("c5_def_doubling.proof",
  "block A, B\nS0 := A + B\n" + "".join("S%d := S%d S%d\n" % (k, k - 1, k - 1) for k in range(1, 40))
  + "lemma big: S39 = 0\n")
w("c5_fn_doubling_time.proof",
  "block X\nF0(a) := a\n" + "".join("F%d(a) := F%d(F%d(a))\n" % (k, k - 1, k - 1) for k in range(1, 64))
  + "lemma slow: F63(X) = X\n")
w("c5_word_doubling.proof",
  "block X\nW0 := X\n" + "".join("W%d := W%d W%d\n" % (k, k - 1, k - 1) for k in range(1, 40))
  + "lemma long: W39 = 0\n")
w("c5_call_chain_depth.proof",
  "block X\nF0(a) := a\n" + "".join("F%d(a) := F%d(a)\n" % (k, k - 1) for k in range(1, 20000))
  + "lemma deep: F19999(X) = X\n")
for n in (25_000, 50_000, 100_000, 200_000):
    w("c5_long_product_%d.proof" % n, "block X, Y\nlemma long: " + " ".join("XY"[i % 2] for i in range(n)) + " = 0\n")
for n in (12_500, 25_000, 50_000):
    w("c5_long_sum_%d.proof" % n,
      "block " + ", ".join("X%d" % i for i in range(n)) + "\nlemma sum: "
      + " + ".join("X%d" % i for i in range(n)) + " = 0\n")
k = 3000
letters = "".join("diagonal invertible D%d\ninvertible A%d\n" % (i, i) for i in range(k))
left = " ".join("D%d A%d" % (i, i) for i in range(k))
right = " ".join("A%d^-1 D%d^-1" % (i, i) for i in reversed(range(k)))
w("c5_nested_cancel_3000.proof", letters + "lemma cancel: (%s) (%s) = I\n" % (left, right))
for n in (50_000, 100_000, 200_000):
    w("c5_blank_lines_%d.proof" % n, "block X\nlemma a: X = X\n" + "\n" * n)
w("c5_huge_number_1M_digits.proof", "block X\nlemma n: " + "7" * 1_000_000 + " X = X\n")

# ---------------------------------------------------------------- class 6
# Quadratic checking: hints re-multiplied from layer 0; big numbers parsed quadratically.
def hint_cert(k):
    # lower layers A = 1, -1, 1, -1, ...: the prefix products alternate [[1,0],[1,1]], I.
    layers = [("lower", ["1"], [["1" if i % 2 == 0 else "-1"]]) for i in range(k)]
    hints = [(i + 1, [[1, 0], [1, 1]] if i % 2 == 0 else [[1, 0], [0, 1]]) for i in range(k - 1)]
    target = [[1, 0], [0, 1]] if k % 2 == 0 else [[1, 0], [1, 1]]
    return certificate(2, (1, 1), "signed", target, layers, hints)


for k in (1000, 2000, 4000, 10000):
    w("c6_hints_%d.cert" % k, hint_cert(k))
for digits in (250_000, 500_000, 1_000_000, 3_000_000):
    w("c6_bignum_%dk_digits.txt" % (digits // 1000), "7" * digits + "\n")
w("c6_bignum_1M_digit_fraction.txt", "7" * 500_000 + "/" + "3" * 500_000 + "\n")
import random
rng = random.Random(17)
w("c6_fraction_gcd_125k_digits.txt", "".join(rng.choice("123456789") for _ in range(125_000)) + "/"
  + "".join(rng.choice("123456789") for _ in range(125_000)) + "\n")
w("c6_decimal_100k_fraction_digits.txt", "0." + "".join(rng.choice("123456789") for _ in range(99_990)) + "\n")
w("c6_bignum_1M_digit_decimal.txt", "0." + "7" * 1_000_000 + "\n")

# ---------------------------------------------------------------- class 7
# JSON duplicate keys (serde_json's Value map keeps the last).
w("c7_rot.txt", ROT_T)
w("c7_json_ok.json", layers_json(2, (1, 1), "signed", ROT))
w("c7_json_dup_layers.json",
  '{"n": 2, "split": [1, 1], "mode": "signed", "layers": [], "layers": [%s]}\n'
  % ", ".join('{"kind": "%s", "shift": %s, "scale": %s}' % (k, json.dumps(s), json.dumps(c)) for k, s, c in ROT))
w("c7_json_dup_mode.json",
  '{"n": 2, "split": [1, 1], "mode": "positive", "mode": "signed", "layers": [%s]}\n'
  % ", ".join('{"kind": "%s", "shift": %s, "scale": %s}' % (k, json.dumps(s), json.dumps(c)) for k, s, c in ROT))
w("c7_json_dup_kind.json",
  '{"n": 2, "split": [1, 1], "mode": "signed", "layers": [{"kind": "lower", "kind": "upper", "shift": [["-1"]], "scale": ["1"]}, '
  '{"kind": "lower", "shift": [["1"]], "scale": ["1"]}, {"kind": "upper", "shift": [["-1"]], "scale": ["1"]}]}\n')
w("c7_json_dup_scale.json",
  '{"n": 2, "split": [1, 1], "mode": "signed", "layers": [{"kind": "upper", "shift": [["-1"]], "scale": ["0"], "scale": ["1"]}, '
  '{"kind": "lower", "shift": [["1"]], "scale": ["1"]}, {"kind": "upper", "shift": [["-1"]], "scale": ["1"]}]}\n')
w("c7_json_dup_shift.json",
  '{"n": 2, "split": [1, 1], "mode": "signed", "layers": [{"kind": "upper", "shift": [["5"]], "shift": [["-1"]], "scale": ["1"]}, '
  '{"kind": "lower", "shift": [["1"]], "scale": ["1"]}, {"kind": "upper", "shift": [["-1"]], "scale": ["1"]}]}\n')
w("c7_json_dup_n_split.json",
  '{"n": 3, "n": 2, "split": [2, 1], "split": [1, 1], "mode": "signed", "layers": [%s]}\n'
  % ", ".join('{"kind": "%s", "shift": %s, "scale": %s}' % (k, json.dumps(s), json.dumps(c)) for k, s, c in ROT))
w("c7_json_dup_mask.json",
  '{"n": 2, "split": [1, 1], "mask": [1], "mask": [0], "mode": "signed", "layers": [%s]}\n'
  % ", ".join('{"kind": "%s", "shift": %s, "scale": %s}' % (k, json.dumps(s), json.dumps(c)) for k, s, c in ROT))
w("c7_json_bigint_literal.json",
  '{"n": 2, "split": [1, 1], "mode": "signed", "layers": [{"kind": "lower", "shift": [[123456789012345678901234567890]], "scale": ["1"]}]}\n')
w("c7_json_bigint_n.json",
  '{"n": 123456789012345678901234567890, "split": [1, 1], "mode": "signed", "layers": []}\n')
w("c7_json_mask_huge_n.json",
  '{"n": 1000000000000000, "split": [1, 999999999999999], "mask": [0], "mode": "signed", "layers": []}\n')
w("c7_json_deep_nesting.json", '{"n": 2, "split": [1, 1], "mode": "signed", "layers": ' + "[" * 100000 + "]" * 100000 + "}\n")
w("c7_json_float_scale.json",
  '{"n": 2, "split": [1, 1], "mode": "signed", "layers": [{"kind": "upper", "shift": [["-1"]], "scale": [1.0]}]}\n')

# ---------------------------------------------------------------- class 8: flags (no files but a matrix)
w("c8_matrix_4x4.txt", "1 2 0 1\n0 1 3 0\n2 0 1 1\n1 1 0 2\n")

# ---------------------------------------------------------------- class 9: messages
w("c9_cr_only.txt", "1 2\r3 4\r")
w("c9_bom.txt", "\ufeff1 2\n3 4\n")
w("c9_bom.proof", "\ufeffblock X\nlemma a: X = X\n")
w("c9_bom.json", "\ufeff" + layers_json(2, (1, 1), "signed", ROT))
w("c9_nul_byte.txt", "1 2\n3 \x004\n")
w("c9_ctrl_z.txt", "1 2\n3 4\n\x1a")
w("c9_nul_byte.cert", "couplings-certificate 1\nn 2\x00\n")
w("c9_empty.proof", "")
w("c9_comments_only.proof", "# nothing here\n\n")
w("c9_comment_continuation.proof",
  "block X, Y\nlemma shown: X = X\n# a comment line\n+ Y - Y\n")
w("c9_comment_continuation_false.proof",
  "block X, Y\nlemma looks_true: X = X\n# the next line silently belongs to looks_true\n+ Y\n")
w("c9_json_split_0_4.json", '{"n": 4, "split": [0, 4], "mode": "signed", "layers": []}\n')
w("c9_target_4x4.txt", "1 0 0 0\n0 1 0 0\n0 0 1 0\n0 0 0 1\n")
w("c9_det_negative.txt", "0 1\n1 0\n")
w("c9_det_negative_4x4.txt", "1 2 0 1\n0 1 3 0\n2 0 1 1\n1 1 0 -2\n")
w("c9_bidi_override.txt", "1 2\n3 \u202e4x\n")
w("c9_unicode_minus.txt", "1 \u22122\n3 4\n")
w("c9_nbsp_separator.txt", "1\u00a02\n3 4\n")

# ---------------------------------------------------------------- cx: same patterns elsewhere
w("cx_cert_bom_mid.cert", "couplings-certificate 1\n\ufeffn 2\n")
w("cx_matrix_1x1.txt", "5\n")
w("cx_matrix_wide_row.txt", " ".join(["1"] * 200000) + "\n")
w("cx_cert_huge_layers_decl.cert",
  certificate(2, (1, 1), "signed", [[1, 0], [0, 1]], [], []).replace("layers 0", "layers 99999999999"))
w("cx_npy_deep_nesting.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': " + "(" * 20 + ")" * 20 + "}", b""))
# a decimal with a huge fraction part: exact denominator 10^k, gcd work
w("cx_decimal_200k_fraction_digits.txt", "0." + "1" * 200_000 + " 1\n1 2\n")
# many-line matrix: 4000x1 rows
w("cx_tall_ragged.txt", "1 2\n" * 100000 + "3\n")
print("cases written to", OUT, ":", len(os.listdir(OUT)), "files")
