"use strict";
// The page's texts and session, from its data block (not run: no inline script).
const D = JSON.parse(document.getElementById("display-data").textContent);
const W = D.texts;
// Every signed head this display has shown, kept in the browser so an observer can
// download them and check them against the published record (hallvote-verify --heads).
const seenKey = "hallvote-heads-" + D.session;
const seen = JSON.parse(localStorage.getItem(seenKey) || "[]");
function keep(b) {
  if (!b.head || seen.some((s) => s.head === b.head)) return;
  seen.push({ poll: b.poll, size: b.size, head: b.head });
  localStorage.setItem(seenKey, JSON.stringify(seen));
}
document.getElementById("heads-download").addEventListener("click", (e) => {
  const lines = seen.map((s) => "# " + s.poll.replace(/[\r\n]/g, " ") + " — " + s.size + "\n" + s.head);
  e.currentTarget.href = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], { type: "text/plain" }));
});
function show(f) {
  document.getElementById("session").textContent = f.session;
  document.getElementById("expected").textContent = f.expected;
  document.getElementById("present").textContent = f.present;
  document.getElementById("quorum").textContent = f.quorum_met ? W.met : W.not_met;
  const ul = document.getElementById("polls"); ul.replaceChildren();
  for (const [name, state] of f.polls) { const li = document.createElement("li"); li.textContent = name + " — " + (W.states[state] || state); ul.append(li); }
  const turnout = document.getElementById("turnout"); turnout.replaceChildren();
  for (const t of f.turnout) { const p = document.createElement("p"); p.className = "turnout"; p.textContent = t.poll + W.sep + W.issued + " " + t.issued + "　" + W.cast + " " + t.cast; turnout.append(p); }
  const boards = document.getElementById("boards"); boards.replaceChildren();
  for (const b of f.boards) {
    keep(b);
    const p = document.createElement("p"); p.className = "board";
    const fp = document.createElement("span"); fp.className = "fp"; fp.textContent = b.fingerprint;
    p.append(b.poll + W.sep + W.fp + " ", fp, document.createElement("br"),
      W.head + W.sep + b.size + " " + W.entries + (b.root ? "，" + W.root + " " + b.root + "…" : ""));
    boards.append(p);
  }
  const results = document.getElementById("results"); results.replaceChildren();
  // The charts are markup the server made, every text in them escaped.
  for (const r of f.results) { const s = document.createElement("section"); s.className = "result"; const h = document.createElement("h2"); h.textContent = r.poll; s.append(h); s.insertAdjacentHTML("beforeend", r.charts); results.append(s); }
}
// EventSource connects again by itself after a dropped connection, but not after a
// refusal (the server has all the display streams it takes: 503 or 429): then this
// page tries again itself, after 5 s and up to a minute, spread so that refused
// displays do not come back together. It shows its last figures meanwhile.
let wait = 5000;
function connect() {
  const es = new EventSource("/api/sessions/" + D.session + "/events");
  es.addEventListener("figures", (e) => { wait = 5000; show(JSON.parse(e.data)); });
  es.addEventListener("error", () => {
    if (es.readyState !== EventSource.CLOSED) return;
    setTimeout(connect, wait * (0.5 + Math.random()));
    wait = Math.min(2 * wait, 60000);
  });
}
connect();
