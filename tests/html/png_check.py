#!/usr/bin/env python3
"""Checks that a PNG is a real rendering, not an empty or single-colour page.

Standard library only: reads the chunks, inflates IDAT with zlib, undoes the
per-row filters and counts colours. Usage:

    png_check.py FILE [--width W --height H] [--min-colours N] [--min-ink FRACTION]

Exits 1 (with a reason) when the file is missing, is not an 8-bit RGB/RGBA PNG of
the expected size, has fewer than --min-colours distinct colours, or when less than
--min-ink of its pixels differ from the most common (background) colour.
"""

import argparse
import struct
import sys
import zlib
from collections import Counter

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG file")
    pos, header, idat = len(SIGNATURE), None, []
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None or not idat:
        raise ValueError("PNG has no IHDR or no IDAT")
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace != 0:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour_type}, interlace {interlace})")
    bpp = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        raise ValueError("IDAT size does not match the image size")
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if kind == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        elif kind != 0:
            raise ValueError(f"bad filter type {kind} on row {y}")
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--width", type=int)
    ap.add_argument("--height", type=int)
    ap.add_argument("--min-colours", type=int, default=16)
    ap.add_argument("--min-ink", type=float, default=0.05)
    args = ap.parse_args()
    try:
        width, height, bpp, rows = read_png(args.file)
    except (OSError, ValueError, zlib.error) as e:
        print(f"png: {args.file}: {e}")
        return 1
    if (args.width and width != args.width) or (args.height and height != args.height):
        print(f"png: {width}x{height}, expected {args.width}x{args.height}")
        return 1
    colours = Counter()
    for row in rows:
        colours.update(row[i : i + 3] for i in range(0, len(row), bpp))
    total = width * height
    background, count = colours.most_common(1)[0]
    ink = 1 - count / total
    print(f"png: {width}x{height}, {len(colours)} colours, {ink:.1%} of pixels differ from the background #{background.hex()}")
    if len(colours) < args.min_colours:
        print(f"png: only {len(colours)} colours (need {args.min_colours}): a blank page?")
        return 1
    if ink < args.min_ink:
        print(f"png: only {ink:.1%} of pixels are not background (need {args.min_ink:.0%}): a blank page?")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
