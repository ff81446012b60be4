#!/usr/bin/env python3
"""stdin -> one line: control characters made visible, cargo paths shortened, truncated."""
import re
import sys

s = sys.stdin.buffer.read().decode("utf-8", "replace")
out = []
for ch in s:
    o = ord(ch)
    if ch == "\n":
        out.append(" / ")
    elif ch == "\t":
        out.append(" ")
    elif o < 32 or o == 127:
        out.append("\\x%02x" % o)
    elif o in (0xFEFF, 0xA0, 0x200B, 0xFFFD, 0x200E, 0x200F) or 0x80 <= o < 0xA0 or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
        out.append("<U+%04X>" % o)
    else:
        out.append(ch)
t = "".join(out).strip(" /")
t = re.sub(r"/root/\.cargo/registry/src/[^/]+/", "", t)
t = re.sub(r"thread '([^']+)' \(\d+\) ", r"thread '\1' ", t)
print((t[:230] + " [...]") if len(t) > 230 else t)
