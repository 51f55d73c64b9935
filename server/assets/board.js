"use strict";
// The texts in the page's language, from its data block (not run: no inline script).
const T = JSON.parse(document.getElementById("texts").textContent);
const $ = (id) => document.getElementById(id);

// Shows the code as XXXX-XXXX-XXXX-XXXX once 16 characters are typed.
$("code").addEventListener("change", () => {
  const raw = $("code").value.toUpperCase().replace(/[\s-]/g, "");
  if (raw.length === 16) $("code").value = raw.match(/.{4}/g).join("-");
});

function bytes(b64) { return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)); }
function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
function same(a, b) { return a.length === b.length && a.every((x, i) => x === b[i]); }
function u64be(n) { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(n)); return b; }
// enc(x) = u64be(len x) ‖ x (spec §2).
function enc(text) { const t = new TextEncoder().encode(text); return concat(u64be(t.length), t); }
async function sha256(data) { return new Uint8Array(await crypto.subtle.digest("SHA-256", data)); }

// RFC 9162 §2.1.3.2 (spec §7.3.2): the root a path leads to from a leaf hash, or null.
async function rootFromPath(index, size, leafHash, path) {
  let fn = BigInt(index), sn = BigInt(size) - 1n;
  if (fn > sn) return null;
  let r = leafHash;
  for (const c of path) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256(concat([1], c, r));
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await sha256(concat([1], r, c));
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

// The server's Ed25519 signature on the tree head (spec §8, §12.5), where the browser can check it.
async function headSignatureOk(p) {
  try {
    const key = await crypto.subtle.importKey("raw", bytes(p.server_key), { name: "Ed25519" }, false, ["verify"]);
    const message = concat(enc(T.sig_tag), bytes(p.head), bytes(p.election));
    return await crypto.subtle.verify({ name: "Ed25519" }, key, bytes(p.signature), message);
  } catch (e) {
    return null;
  }
}

async function check(p, e) {
  // The leaf of an entry (spec §12.4): enc("hallvote/record/board-entry/v1") ‖ entry; LH = SHA-256(0x00 ‖ leaf).
  const leafHash = await sha256(concat([0], enc(T.leaf_tag), bytes(e.entry)));
  if (!same(leafHash, bytes(e.leaf_hash))) return [false, T.leaf_mismatch];
  const head = bytes(p.head);
  const size = new DataView(head.buffer).getBigUint64(0);
  if (size !== BigInt(e.tree_size)) return [false, T.size_mismatch];
  const root = await rootFromPath(e.index, e.tree_size, leafHash, e.path.map(bytes));
  if (root === null || !same(root, head.slice(8))) return [false, T.root_mismatch];
  const sig = await headSignatureOk(p);
  const sigText = sig === true ? T.sig_ok : sig === false ? T.sig_bad : T.sig_unsupported;
  return [sig !== false, T.browser_ok + " " + sigText];
}

async function checkAll() {
  const data = $("proof-data");
  if (!data) return;
  const p = JSON.parse(data.textContent);
  for (const [k, e] of p.entries.entries()) {
    const out = $("browser-check-" + k);
    if (!out) continue;
    if (!window.crypto || !crypto.subtle) { out.textContent = T.no_webcrypto; continue; }
    try {
      const [ok, text] = await check(p, e);
      out.textContent = (ok ? "✔ " : "✘ ") + text;
      out.className = "check " + (ok ? "ok" : "bad");
    } catch (err) {
      out.textContent = "✘ " + T.check_failed + " " + err;
      out.className = "check bad";
    }
  }
}
checkAll();
