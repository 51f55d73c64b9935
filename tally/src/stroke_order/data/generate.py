#!/usr/bin/env python3
"""Regenerate the stroke-order tables (see docs/adr/0005-stroke-order.md).

Usage:  python3 generate.py UNIHAN_DIR CNCHAR_ORDER_JS
  UNIHAN_DIR       holds Unihan_IRGSources.txt and Unihan_OtherMappings.txt (plain or
                   .bz2): /usr/share/unicode from Debian's `unicode-data` 15.0.0-1.
  CNCHAR_ORDER_JS  cnchar.order.min.js from the npm package `cnchar-order` 3.2.6 (MIT).

Writes, beside this script:

strokes.bin  Unihan kTotalStrokes, first value (the zh-Hans / mainland count), of every
             character that has one. Little-endian: b"HVTS", u32 segment count, then per
             segment u32 first code point, u32 length n, n bytes (0 = no value).

tgh.tsv      the 8,105 characters of the Table of General Standard Chinese Characters
             (通用规范汉字表, 2013; Unihan field kTGH) in table order, one per line:
                 char TAB strokes TAB shapes TAB source
             Lines 1-3500 are level 1, 3501-6500 level 2, 6501-8105 level 3. Within a level
             the table is ordered by stroke count, then by stroke shapes in writing order.
             strokes: kTotalStrokes, except for the few characters (41, all in CJK
               extensions, whose Unihan value counts a traditional component) where the
               table's own order contradicts it; those get the count of their neighbours.
             shapes: the stroke sequence in the five classes of GB 13000.1 笔顺规范
               1 横(提) 2 竖(竖钩) 3 撇 4 点(捺) 5 折, from cnchar-order (source "c").
               Where cnchar has no entry, the sequence of the nearest preceding character
               of the same level and stroke count that has one is inherited as a lower
               bound (source "i"; "-" if there is none), so the table order still decides.
"""
import bisect, bz2, json, os, re, struct, sys

def lines(d, name):
    p = os.path.join(d, name)
    if os.path.exists(p):
        return open(p, encoding="utf-8")
    return bz2.open(p + ".bz2", "rt", encoding="utf-8")

def field(d, name, key):
    out = {}
    for line in lines(d, name):
        if line.startswith("#") or not line.strip():
            continue
        cp, k, v = line.rstrip("\n").split("\t")
        if k == key:
            out[int(cp[2:], 16)] = v
    return out

# cnchar stroke letters -> GB 13000.1 five classes. Letters not listed are 折 (5).
# d ("点2", ㇀-shaped dot as in 火 灬 心 宀) is a 点.
CLASS = {"j": "1", "i": "1", "f": "2", "g": "2", "s": "3", "k": "4", "l": "4", "d": "4"}

def lnds(seq):
    """Indices of a longest non-decreasing subsequence."""
    tails, tails_idx, parent = [], [], [-1] * len(seq)
    for i, x in enumerate(seq):
        j = bisect.bisect_right(tails, x)
        if j == len(tails):
            tails.append(x); tails_idx.append(i)
        else:
            tails[j] = x; tails_idx[j] = i
        parent[i] = tails_idx[j - 1] if j > 0 else -1
    out, k = set(), tails_idx[-1]
    while k != -1:
        out.add(k); k = parent[k]
    return out

def main():
    unihan, cnchar_js = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))

    strokes = {cp: int(v.split()[0]) for cp, v in
               field(unihan, "Unihan_IRGSources.txt", "kTotalStrokes").items()}
    assert all(0 < s < 256 for s in strokes.values())
    cps = sorted(strokes)
    segs, start, prev = [], cps[0], cps[0]
    for cp in cps[1:]:
        if cp - prev > 64:
            segs.append((start, prev)); start = cp
        prev = cp
    segs.append((start, prev))
    out = bytearray(b"HVTS") + struct.pack("<I", len(segs))
    for a, b in segs:
        out += struct.pack("<II", a, b - a + 1)
        out += bytes(strokes.get(cp, 0) for cp in range(a, b + 1))
    open(os.path.join(here, "strokes.bin"), "wb").write(out)

    tgh = {}
    for cp, v in field(unihan, "Unihan_OtherMappings.txt", "kTGH").items():
        for entry in v.split():
            year, pos = entry.split(":")
            if year == "2013":
                tgh[int(pos)] = cp
    assert sorted(tgh) == list(range(1, 8106)), "kTGH must cover 1..8105"

    js = open(cnchar_js, encoding="utf-8").read()
    order = json.loads(re.findall(r"JSON\.parse\('(\{.*?\})'\)", js)[0])
    def shapes(ch):
        v = order.get(ch)
        return None if v is None else "".join(CLASS.get(x, "5") for x in v.split(" ")[0])

    rows, fixed = [], 0
    for a, b in [(1, 3500), (3501, 6500), (6501, 8105)]:
        chars = [chr(tgh[i]) for i in range(a, b + 1)]
        counts = [strokes[ord(c)] for c in chars]
        keep = lnds(counts)
        for i in range(len(chars)):
            if i not in keep:
                lo = max((counts[j] for j in keep if j < i), default=1)
                counts[i] = lo; fixed += 1
        last = {}
        for c, n in zip(chars, counts):
            s = shapes(c)
            if s is not None and len(s) != n:
                s = None  # a sequence that disagrees with the count is not trusted
            if s is not None:
                last[n] = s; rows.append((c, n, s, "c"))
            else:
                rows.append((c, n, last.get(n, "-"), "i"))
    with open(os.path.join(here, "tgh.tsv"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write("%s\t%d\t%s\t%s\n" % r)
    print(f"{len(strokes)} counts in {len(segs)} segments; {len(rows)} kTGH rows; "
          f"{fixed} counts fixed; {sum(r[3] == 'c' for r in rows)} cnchar sequences")

main()
