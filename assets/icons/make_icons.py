#!/usr/bin/env python3
"""Draws Cockpit's app icons (our own artwork) and writes them as PNG beside this file.

    python3 assets/icons/make_icons.py

A rounded square in the theme colour (#2563eb) holding a white gauge: an open arc with
a check mark inside. "icon-*.png" are for any purpose (transparent corners);
"maskable-*.png" fill the whole square and keep the drawing inside the 80 % safe zone,
so a launcher may cut them to a circle or a squircle. The build copies them into the
site (icons/); the PNGs are committed, this script is how to redraw them.

Pure Python (zlib only): each pixel is covered analytically from signed distances, so
the edges are smooth without supersampling.
"""
import math
import os
import struct
import zlib

BLUE = (37, 99, 235)
WHITE = (255, 255, 255)
HERE = os.path.dirname(os.path.abspath(__file__))


def rounded_box(px, py, half, radius):
    """Signed distance (units) from (px, py) to a square centred at 0.5 with rounded corners."""
    qx = abs(px - 0.5) - half + radius
    qy = abs(py - 0.5) - half + radius
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def segment(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def arc(px, py, cx, cy, r, start, end):
    """Distance to a circular arc from angle `start` to `end` (radians, counter-clockwise,
    y up) centred at (cx, cy)."""
    x, y = px - cx, cy - py  # y up
    a = math.atan2(y, x)
    span = (end - start) % (2 * math.pi)
    if (a - start) % (2 * math.pi) <= span:
        return abs(math.hypot(x, y) - r)
    ends = [(cx + r * math.cos(t), cy - r * math.sin(t)) for t in (start, end)]
    return min(math.hypot(px - ex, py - ey) for ex, ey in ends)


def mark(px, py):
    """Signed distance to the white drawing, in a unit square (before any scaling)."""
    cx, cy, r = 0.5, 0.53, 0.27
    # The gauge: 270 degrees, open at the bottom (from -45 degrees round the top to 225).
    d_arc = arc(px, py, cx, cy, r, math.radians(-45), math.radians(225)) - 0.045
    # The needle's hub as a check mark: short stroke down, long stroke up to the right.
    pts = [(0.375, 0.545), (0.465, 0.635), (0.635, 0.435)]
    d_check = min(segment(px, py, *pts[0], *pts[1]), segment(px, py, *pts[1], *pts[2])) - 0.048
    return min(d_arc, d_check)


def coverage(distance, size):
    """Share of a pixel inside a shape whose signed distance is `distance` (units)."""
    return max(0.0, min(1.0, 0.5 - distance * size))


def render(size, maskable):
    rows = []
    for j in range(size):
        row = bytearray([0])  # filter: none
        py = (j + 0.5) / size
        for i in range(size):
            px = (i + 0.5) / size
            if maskable:
                bg = 1.0
                # The drawing shrinks to the safe zone (a centred circle of 80 % diameter).
                s = 0.8
                fg = coverage(mark((px - 0.5) / s + 0.5, (py - 0.5) / s + 0.5) * s, size)
            else:
                bg = coverage(rounded_box(px, py, 0.46, 0.2), size)
                fg = coverage(mark(px, py), size) * bg
            rgb = [round(BLUE[k] * (1 - fg) + WHITE[k] * fg) for k in range(3)]
            # Straight (not premultiplied) alpha: the edge stays blue, alpha is the coverage.
            alpha = round(255 * bg) if bg < 1.0 else 255
            row += bytes(rgb) + bytes([alpha])
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(width, height, raw):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    for size in (192, 512):
        for maskable in (False, True):
            name = f"{'maskable' if maskable else 'icon'}-{size}.png"
            data = render(size, maskable)
            with open(os.path.join(HERE, name), "wb") as f:
                f.write(data)
            print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
