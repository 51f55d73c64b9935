// The board page's own check of a spoiled (challenged) ballot, in the browser
// (spec §3.5, §10.4, §10.6, §12.4; docs/adr/0012).
//
// For each spoiled entry the page shows, the server puts into the page the entry's
// bytes (the same bytes whose leaf hash the page's inclusion check hashes), the
// joint key Y, the ballot's shape and labels, and its own reading of every
// selection (ciphertext, mark, nonce). This script reads the entry bytes itself,
// checks that the server's reading is the entry's, recomputes every ciphertext as
// (r·G, m·G + r·Y) on ristretto255 with @noble/curves, checks that the marks form a
// valid ballot, and that the words in the table are the marked options. It says
// plainly whether all of that holds.
//
// No inline script or handler: the page loads this file as a module (a strict
// Content-Security-Policy can allow /assets/ only).

import { ristretto255 } from "/assets/noble-curves-2.4.0/ristretto255.js";

const Point = ristretto255.Point;
const ORDER = Point.Fn.ORDER;
/// A 0/1 proof is 2 branches, an item or cap proof one branch per allowed sum (spec §4.2).
const BRANCH_LEN = 128;

class Malformed extends Error {}

function bytes(b64) {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function same(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/// Big-endian counts and length-prefixed blobs (spec §11.1), strictly.
class Reader {
  constructor(b) {
    this.b = b;
    this.at = 0;
  }
  take(n) {
    if (this.at + n > this.b.length) throw new Malformed("truncated");
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  u8() {
    return this.take(1)[0];
  }
  u32() {
    const b = this.take(4);
    return ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
  }
  blob() {
    return this.take(this.u32());
  }
  end() {
    if (this.at !== this.b.length) throw new Malformed("trailing bytes");
  }
}

/// A spoiled entry (spec §12.4): u8 1 ‖ blob credential ‖ blob ballot ‖ blob opening.
function readEntry(b) {
  const r = new Reader(b);
  if (r.u8() !== 1) throw new Malformed("not a spoiled entry");
  r.blob();
  const ballot = r.blob();
  const opening = r.blob();
  r.end();
  return { ballot, opening };
}

/// The ciphertexts of a ballot of `shape` (spec §10.4), in ballot order.
function readCiphertexts(b, contests) {
  const r = new Reader(b);
  if (r.u8() !== 1) throw new Malformed("ballot version");
  if (r.u32() !== contests.length) throw new Malformed("number of contests");
  const out = [];
  for (const c of contests) {
    if (r.u32() !== c.shape.items.length) throw new Malformed("number of items");
    for (const item of c.shape.items) {
      if (r.u8() !== item.options) throw new Malformed("number of options");
      for (let o = 0; o < item.options; o++) {
        out.push(r.take(64));
        r.take(2 * BRANCH_LEN);
      }
      r.take((item.max - item.min + 1) * BRANCH_LEN);
    }
    const capped = r.u8();
    if (capped !== (c.shape.cap ? 1 : 0)) throw new Malformed("cap proof presence");
    if (c.shape.cap) r.take((c.shape.cap.max + 1) * BRANCH_LEN);
  }
  r.end();
  return out;
}

/// The marks and nonces of an opening (spec §10.6) of `count` selections.
function readOpening(b, count) {
  const r = new Reader(b);
  if (r.u8() !== 1) throw new Malformed("opening version");
  const out = [];
  for (let k = 0; k < count; k++) {
    const mark = r.u8();
    if (mark > 1) throw new Malformed("a mark is 0 or 1");
    out.push({ mark, nonce: r.take(32) });
  }
  r.end();
  return out;
}

/// A scalar: 32 bytes little-endian, less than ℓ (spec §1.4), or null.
function scalar(b) {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
  return n < ORDER ? n : null;
}

/// Whether (A, B) = (r·G, m·G + r·Y) (spec §3.5). Public data: variable time is fine.
function opens(ciphertext, mark, nonce, Y) {
  const r = scalar(nonce);
  if (r === null) return false;
  let A, B;
  try {
    A = Point.fromBytes(ciphertext.subarray(0, 32));
    B = Point.fromBytes(ciphertext.subarray(32, 64));
  } catch (e) {
    return false;
  }
  const rG = Point.BASE.multiplyUnsafe(r);
  const mG = mark === 1 ? Point.BASE : Point.ZERO;
  return rG.equals(A) && mG.add(Y.multiplyUnsafe(r)).equals(B);
}

/// `{key}` replaced by values[key], in one pass: a value is never scanned again.
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(values, k) ? String(values[k]) : m));
}

/// Checks one spoiled entry; returns [ok, text].
function check(d, T) {
  const { ballot, opening } = readEntry(bytes(d.entry));
  const cts = readCiphertexts(ballot, d.contests);
  const opened = readOpening(opening, cts.length);
  if (cts.length !== d.selections.length) return [false, T.server_differs];
  const Y = Point.fromBytes(bytes(d.joint_key));
  if (Y.equals(Point.ZERO)) return [false, T.bad_key];
  const where = (s) => {
    const c = d.contests[s.contest];
    return fill(T.where, { contest: c.title, item: c.items[s.item], option: c.options[s.option] });
  };
  // The server's reading of each selection is the entry's, in ballot order.
  let k = 0;
  const marks = d.contests.map((c) => c.shape.items.map((item) => new Array(item.options).fill(0)));
  for (const [c, contest] of d.contests.entries()) {
    for (const [i, item] of contest.shape.items.entries()) {
      for (let o = 0; o < item.options; o++, k++) {
        const s = d.selections[k];
        if (s.contest !== c || s.item !== i || s.option !== o) return [false, T.server_differs];
        if (!same(bytes(s.ciphertext), cts[k]) || s.mark !== opened[k].mark || !same(bytes(s.nonce), opened[k].nonce)) {
          return [false, T.server_differs + " " + where(s)];
        }
        if (!opens(cts[k], opened[k].mark, opened[k].nonce, Y)) return [false, fill(T.not_opened, { where: where(s) })];
        marks[c][i][o] = opened[k].mark;
      }
    }
  }
  // The marks form a valid ballot (spec §10.1).
  for (const [c, contest] of d.contests.entries()) {
    for (const [i, item] of contest.shape.items.entries()) {
      const n = marks[c][i].reduce((a, b) => a + b, 0);
      if (n < item.min || n > item.max) return [false, fill(T.invalid_marks, { contest: contest.title })];
    }
    const cap = contest.shape.cap;
    if (cap && marks[c].reduce((a, m) => a + m[cap.option], 0) > cap.max) {
      return [false, fill(T.invalid_marks, { contest: contest.title })];
    }
  }
  // The words in the table are the marked options.
  for (const [c, contest] of d.contests.entries()) {
    for (const [i, m] of marks[c].entries()) {
      const words = m.flatMap((x, o) => (x === 1 ? [contest.options[o]] : [])).join(T.separator) || T.none;
      const cell = document.getElementById(`opening-${d.k}-${c}-${i}`);
      if (!cell || cell.textContent.trim() !== words.trim()) {
        return [false, fill(T.words_differ, { contest: contest.title, item: contest.items[i] })];
      }
    }
  }
  return [true, fill(T.ok, { count: cts.length })];
}

function checkAll() {
  const texts = document.getElementById("opening-texts");
  if (!texts) return;
  const T = JSON.parse(texts.textContent);
  for (const block of document.querySelectorAll("script.opening-data")) {
    const d = JSON.parse(block.textContent);
    const out = document.getElementById(`opening-check-${d.k}`);
    if (!out) continue;
    let ok, text;
    try {
      [ok, text] = check(d, T);
    } catch (e) {
      [ok, text] = [false, (e instanceof Malformed ? T.malformed : T.failed) + " " + e.message];
    }
    out.textContent = (ok ? "✔ " : "✘ ") + text;
    out.className = "check " + (ok ? "ok" : "bad");
    out.dataset.verdict = ok ? "ok" : "bad";
  }
}

checkAll();
