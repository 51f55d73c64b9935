"use strict";
// The hall display. Its figures come from the data block (not run: no inline
// script) and then from the event stream; every word it writes is in D.texts, in
// the page's language. The figures are laid out as blocks (the attendance and the
// polls, one per poll being voted on, one per result chart) packed onto pages the
// size of the screen; the page never scrolls, and when there is more than one page
// they turn every PAGE_MS, or at once with a presenter's keys (→, PageDown, space;
// ←, PageUp; Home for the first page).
const D = JSON.parse(document.getElementById("display-data").textContent);
const W = D.texts;
const PAGE_MS = 12000;

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

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function fig(label, value, id) {
  const d = el("div", "fig", label);
  const b = el("b", "", String(value));
  if (id) b.id = id;
  d.append(b);
  return d;
}
function heading(name, state) {
  const h = el("h2");
  h.append(el("span", "name", name));
  if (state) h.append(el("span", "state", state));
  return h;
}

// The attendance of the session now and its polls with their states. While a poll
// is under way its 实到 is its own (on its block); the session's count then says
// "checked in now", since it may include delegates who arrived after a poll opened.
function overview(f) {
  const s = el("section", "block overview");
  const figs = el("div", "figs");
  figs.append(fig(W.expected, f.expected, "expected"), fig(f.turnout.length ? W.checked_in : W.present, f.present, "present"));
  const q = el("div", "quorum", f.quorum_met ? W.met : W.not_met);
  q.id = "quorum";
  figs.append(q);
  s.append(figs);
  // 列席 and 旁听 apart from the delegates: in the hall, without a vote, never in 实到.
  const guests = [];
  if (f.attending) guests.push(W.attending.replace("{n}", f.attending));
  if (f.observing) guests.push(W.observing.replace("{n}", f.observing));
  if (guests.length) {
    const g = el("p", "attendees", guests.join(W.comma));
    g.id = "attendees";
    s.append(g);
  }
  const ul = el("ul", "polls");
  ul.id = "polls";
  for (const [name, state] of f.polls) {
    const li = el("li", "", name + " — ");
    li.append(el("span", "state", W.states[state] || state));
    ul.append(li);
  }
  if (!f.polls.length) ul.append(el("li", "", W.no_polls));
  s.append(ul);
  return s;
}

// A poll being voted on or counted: its own 应到 and 实到 (frozen when it opened),
// ballots issued and cast, and its board's fingerprint and newest tree head.
function pollBlock(t, boards) {
  const s = el("section", "block poll");
  s.dataset.poll = t.poll;
  s.append(heading(t.poll, W.states[t.state] || t.state));
  const figs = el("div", "figs");
  figs.append(fig(W.expected, t.expected), fig(W.present, t.present), fig(W.issued, t.issued), fig(W.cast, t.cast));
  s.append(figs, el("p", "note", W.frozen));
  for (const b of boards.filter((b) => b.poll === t.poll)) {
    const p = el("p", "board", W.fp + W.sep);
    p.append(el("span", "fp", b.fingerprint), W.gap + W.head + W.sep + b.size + " " + (b.size === 1 ? W.entry : W.entries) + (b.root ? W.comma + W.root + " " + b.root + "…" : ""));
    s.append(p);
  }
  return s;
}

// A published result: one block per chart (the server cuts a long contest into
// charts of a screen's height), each under the poll's name.
function resultBlocks(r) {
  const holder = el("div");
  // The charts are markup the server made, every text in it escaped.
  holder.insertAdjacentHTML("beforeend", r.charts);
  const parts = [...holder.children];
  return parts.map((part) => {
    const s = el("section", "block result");
    s.dataset.poll = r.poll;
    s.append(heading(r.poll, W.result), part);
    return s;
  });
}

function blocks(f) {
  for (const b of f.boards) keep(b);
  const out = [overview(f)];
  for (const t of f.turnout) out.push(pollBlock(t, f.boards));
  for (const r of f.results) out.push(...resultBlocks(r));
  return out;
}

// Packs the blocks onto pages in order: a block goes on the current page if the
// page still fits, else it starts the next. A block too tall for a page of its own
// (a chart) is shrunk to fit it.
let figures = D.figures;
let pages = [];
let current = 0;
function layout() {
  const main = document.getElementById("pages");
  main.replaceChildren();
  let page = null;
  const next = () => { page = el("div", "page current"); main.append(page); };
  next();
  for (const b of blocks(figures)) {
    page.append(b);
    if (page.scrollHeight > page.clientHeight && page.children.length > 1) {
      b.remove();
      next();
      page.append(b);
    }
  }
  pages = [...main.children];
  for (const p of pages) {
    const svg = p.querySelector("svg");
    if (p.scrollHeight > p.clientHeight && svg) {
      const room = svg.getBoundingClientRect().height - (p.scrollHeight - p.clientHeight);
      svg.style.maxHeight = Math.max(room, 40) + "px";
    }
  }
  current = Math.min(current, pages.length - 1);
  turnTo(current);
}

function turnTo(i) {
  current = (i + pages.length) % pages.length;
  pages.forEach((p, j) => {
    p.classList.toggle("current", j === current);
    if (j === current) p.removeAttribute("aria-hidden"); else p.setAttribute("aria-hidden", "true");
  });
  document.getElementById("pager").textContent =
    pages.length > 1 ? W.page.replace("{n}", current + 1).replace("{m}", pages.length) : "";
  document.body.dataset.page = String(current + 1);
  document.body.dataset.pages = String(pages.length);
}

let timer = setInterval(() => turnTo(current + 1), PAGE_MS);
function turnBy(step) {
  clearInterval(timer);
  turnTo(current + step);
  timer = setInterval(() => turnTo(current + 1), PAGE_MS);
}
document.addEventListener("keydown", (e) => {
  if (["ArrowRight", "PageDown", " "].includes(e.key)) { e.preventDefault(); turnBy(1); }
  if (["ArrowLeft", "PageUp"].includes(e.key)) { e.preventDefault(); turnBy(-1); }
  if (e.key === "Home") { e.preventDefault(); turnBy(-current); }
});
let resized = null;
window.addEventListener("resize", () => { clearTimeout(resized); resized = setTimeout(layout, 200); });

function show(f) {
  figures = f;
  document.getElementById("session").textContent = f.session;
  layout();
}
show(figures);

// EventSource connects again by itself after a dropped connection, but not after a
// refusal (the server has all the display streams it takes: 503 or 429): then this
// page tries again itself, after 5 s and up to a minute, spread so that refused
// displays do not come back together. It shows its last figures meanwhile.
let wait = 5000;
function connect() {
  const es = new EventSource("/api/sessions/" + D.session + "/events?lang=" + encodeURIComponent(D.lang));
  es.addEventListener("figures", (e) => { wait = 5000; show(JSON.parse(e.data)); });
  es.addEventListener("error", () => {
    if (es.readyState !== EventSource.CLOSED) return;
    setTimeout(connect, wait * (0.5 + Math.random()));
    wait = Math.min(2 * wait, 60000);
  });
}
connect();
