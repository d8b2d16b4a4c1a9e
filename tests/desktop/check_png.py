#!/usr/bin/env python3
"""check_png.py FILE.png: fails unless the PNG shows a real frame, i.e. it is not one
flat colour. Counts distinct colours and the pixels that differ from the most common
(background) colour. Uses only Python's standard library (zlib) to read the PNG."""
import collections
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise SystemExit(f"{path}: expected 8-bit RGB/RGBA, got depth {depth} type {ctype}")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    path = sys.argv[1]
    w, h, bpp, rows = read_png(path)
    counts = collections.Counter()
    for row in rows[::2]:
        for x in range(0, w * bpp, bpp * 2):
            counts[row[x:x + 3]] += 1
    total = sum(counts.values())
    bg, bg_n = counts.most_common(1)[0]
    other = 1 - bg_n / total
    print(f"{path}: {w}x{h}, {len(counts)} colours, background #{bg.hex()}, {other:.1%} other pixels")
    if w < 200 or h < 200:
        raise SystemExit("too small")
    if len(counts) < 50 or other < 0.02:
        raise SystemExit("looks blank: too few colours or almost only background")


if __name__ == "__main__":
    main()
