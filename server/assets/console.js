"use strict";
// The texts in the page's language, from its data block (not run: no inline script).
const T = JSON.parse(document.getElementById("texts").textContent);
const $ = (id) => document.getElementById(id);
let csrf = sessionStorage.getItem("hallvote_csrf") || "";
let currentPassword = "";


async function api(method, path, body, contentType) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = contentType || "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrf;
  const res = await fetch(path, { method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : (contentType ? body : JSON.stringify(body)) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error((data && data.error && data.error.message) || res.statusText);
  return data;
}

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function field(id, label, attrs) {
  const d = el("div");
  d.append(el("label", label, { for: id }), el("input", undefined, Object.assign({ id, autocomplete: "off" }, attrs || {})));
  return d;
}

function sessionForm(c) {
  const f = el("form", undefined, { class: "card", id: "new-session-" + c.id });
  f.append(el("h3", T.new_session));
  const row = el("div", undefined, { class: "row" });
  row.append(field("ns-number-" + c.id, T.session_number, { type: "number", min: "1", required: "", inputmode: "numeric" }),
    field("ns-place-" + c.id, T.session_place, { required: "" }),
    field("ns-date-" + c.id, T.session_date, { type: "date", required: "" }));
  // The counting rules (the default first), each option saying what it is for.
  const rules = el("select", undefined, { id: "ns-ruleset-" + c.id });
  for (const r of T.rulesets) rules.append(el("option", r.name + " — " + r.about, { value: r.name }));
  const rulesBox = el("div", undefined, { class: "wide" });
  rulesBox.append(el("label", T.session_ruleset, { for: "ns-ruleset-" + c.id }), rules);
  f.append(row, rulesBox, el("button", T.create, { type: "submit" }));
  f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const s = await api("POST", "/api/congresses/" + c.id + "/sessions", { number: Number($("ns-number-" + c.id).value),
        place: $("ns-place-" + c.id).value.trim(), date: $("ns-date-" + c.id).value, ruleset: rules.value });
      location.href = "/sessions/" + s.id;
    } catch (e) { showError(e.message, f); }
  });
  return f;
}

// The import form of a list kept per congress, read from a CSV or Excel file with
// a report of every refused row: the roll ("roster") and the eligible list
// ("eligible", 候选人资格名单: whom a delegate may pick when writing in another person).
function listForm(c, kind) {
  const id = kind + "-" + c.id;
  const f = el("form", undefined, { class: "card", id: id });
  f.append(el("h3", T[kind]));
  if (T[kind + "_help"]) f.append(el("p", T[kind + "_help"], { class: "muted", id: id + "-help" }));
  f.append(el("label", T[kind + "_file"], { for: kind + "-file-" + c.id }),
    el("input", undefined, { id: kind + "-file-" + c.id, type: "file", required: "",
      accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }));
  const report = el("div", undefined, { id: kind + "-report-" + c.id, "aria-live": "polite" });
  f.append(el("button", T.import, { type: "submit" }), report);
  f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const file = $(kind + "-file-" + c.id).files[0];
    if (!file) return;
    const xlsx = file.name.toLowerCase().endsWith(".xlsx");
    const type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv";
    try {
      const r = await api("PUT", "/api/congresses/" + c.id + "/" + kind, await file.arrayBuffer(), type);
      const said = fill(T[kind + "_imported"], { a: r.added, u: r.updated, r: r.replaced, e: r.errors.length });
      report.replaceChildren(el("p", said, { class: r.errors.length ? "error" : "note" }));
      const ul = el("ul");
      // A refused row's message names its line (and 序号) itself.
      for (const e of r.errors) ul.append(el("li", e.message));
      for (const n of r.notes) ul.append(el("li", T.line.replace("{n}", n.line) + n.message, { class: "muted" }));
      report.append(ul);
    } catch (e) { report.replaceChildren(el("p", e.message, { class: "error" })); }
  });
  return f;
}

// A template's {key}s replaced by the values given.
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

// A session's date (YYYY-MM-DD, as the date picker gives it) written out as the desk
// and the result sheet write it: 2026年12月2日, 2 December 2026.
function dateWords(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  if (!m) return iso || "";
  const month = Number(m[2]);
  return fill(T.date, { y: m[1], m: month, month: T.months[month - 1], d: Number(m[3]) });
}

async function showHome() {
  $("login").hidden = true; $("change").hidden = true; $("home").hidden = false;
  const me = await api("GET", "/api/me");
  $("who").textContent = T.logged_in_as + " " + fill(T.who, { name: me.display_name, login: me.username });
  const list = $("congresses");
  list.replaceChildren();
  if (me.role === "organiser" || me.role === "observer") {
    const audit = el("p", undefined, { class: "links" });
    audit.append(el("a", T.audit, { href: "/audit", id: "audit-link" }));
    list.append(audit);
  }
  let congresses = [];
  try { congresses = await api("GET", "/api/congresses"); } catch (e) { list.append(el("p", e.message)); return; }
  if (congresses.length === 0) list.append(el("p", T.no_congress, { class: "muted" }));
  for (const c of congresses) {
    const box = el("div", undefined, { class: "card" });
    box.append(el("h2", c.name));
    const cards = el("a", T.cards, { href: "/congresses/" + c.id + "/cards" });
    const cardsLine = el("p", undefined, { class: "links" });
    cardsLine.append(cards, el("a", T.roster_list, { href: "/congresses/" + c.id + "/roster", id: "roster-link-" + c.id }));
    box.append(cardsLine);
    box.append(listForm(c, "roster"), listForm(c, "eligible"));
    for (const s of await api("GET", "/api/congresses/" + c.id + "/sessions")) {
      const h = el("h3");
      h.append(el("a", T.session.replace("{n}", s.number) + " · " + s.place + " · " + dateWords(s.date) + " →",
        { href: "/sessions/" + s.id, id: "session-link-" + s.id }));
      box.append(h);
      const fig = el("p", "…", { class: "figures", "aria-live": "polite" });
      box.append(fig);
      try {
        const a = await api("GET", "/api/sessions/" + s.id + "/attendance");
        fig.textContent = T.expected + " " + a.expected + T.p.gap + T.present + " " + a.present + T.p.gap +
          (a.quorum_met ? T.quorum_met : T.quorum_not_met);
      } catch (e) { fig.textContent = e.message; }
      try {
        const polls = await api("GET", "/api/sessions/" + s.id + "/polls");
        const ul = el("ul");
        for (const p of polls) {
          // The API names each contest's kind in the request's language.
          const kinds = p.contests.map((k) => k.kind).join(T.list_sep);
          ul.append(el("li", fill(T.poll_item, { name: p.name, kinds })));
        }
        box.append(ul);
      } catch (e) { /* roles that cannot list polls see none */ }
    }
    box.append(sessionForm(c));
    list.append(box);
  }
  if (me.role === "organiser") await showAccounts(me);
}

// The accounts, each with the controls to cut it off (issue 14): disable (ends its
// sessions), re-enable, and end its sessions. Not one's own account.
async function showAccounts(me) {
  let accounts = [];
  try { accounts = await api("GET", "/api/accounts"); } catch (e) { return; }
  const box = el("div", undefined, { class: "card", id: "accounts" });
  box.append(el("h2", T.accounts));
  const ul = el("ul");
  for (const a of accounts) {
    const item = fill(T.account_item, { name: a.display_name, login: a.username, role: T.roles[a.role] || a.role });
    const li = el("li", item + (a.disabled ? " · " + T.disabled : ""));
    const act = (path, words, confirmText) => {
      const b = el("button", words, { type: "button", class: "secondary", id: path + "-" + a.id });
      b.addEventListener("click", async () => {
        if (confirmText && !confirm(confirmText.replace("{name}", a.username))) return;
        try {
          const r = await api("POST", "/api/accounts/" + a.id + "/" + path);
          const done = { disable: T.done_disabled, enable: T.done_enabled, "end-sessions": T.done_ended }[path];
          showNote(done.replace("{name}", a.username).replace("{n}", r.ended === undefined ? "" : r.ended));
          await showHome();
        } catch (e) { showError(e.message, b); }
      });
      return b;
    };
    if (a.username !== me.username) {
      li.append(" ");
      if (a.disabled) li.append(act("enable", T.enable));
      else li.append(act("disable", T.disable, T.disable_confirm), " ", act("end-sessions", T.end_sessions));
    }
    ul.append(li);
  }
  box.append(ul, accountForm());
  const old = $("accounts");
  if (old) old.replaceWith(box); else $("congresses").after(box);
}

// A new account: its one-time password is shown once, to hand to the person, who
// replaces it at the first login. (A forgotten password: disable the account, make a new one.)
function accountForm() {
  const f = el("form", undefined, { id: "new-account" });
  f.append(el("h3", T.new_account));
  const role = el("select", undefined, { id: "na-role" });
  for (const r of ["organiser", "observer", "desk", "scrutineer", "booth"]) role.append(el("option", T.roles[r], { value: r }));
  const roleBox = el("div");
  roleBox.append(el("label", T.role, { for: "na-role" }), role);
  const row = el("div", undefined, { class: "row" });
  row.append(field("na-username", T.username, { required: "", autocapitalize: "none", spellcheck: "false" }),
    field("na-display", T.display_name, { required: "" }), roleBox);
  const shown = el("p", undefined, { id: "na-password", class: "note", "aria-live": "polite" });
  f.append(row, el("button", T.create, { type: "submit" }), shown);
  f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const a = await api("POST", "/api/accounts", { username: $("na-username").value.trim(),
        display_name: $("na-display").value.trim(), role: role.value });
      await showHome();
      $("na-password").textContent = T.account_made.replace("{name}", a.username).replace("{password}", a.one_time_password);
    } catch (e) { showError(e.message, f); }
  });
  return f;
}

$("login").addEventListener("submit", async (ev) => {
  ev.preventDefault(); showError("");
  try {
    currentPassword = $("password").value;
    const s = await api("POST", "/api/login", { username: $("username").value, password: currentPassword });
    csrf = s.csrf_token; sessionStorage.setItem("hallvote_csrf", csrf);
    if (s.must_change_password) { $("login").hidden = true; $("change").hidden = false; $("new-password").focus(); }
    else { currentPassword = ""; await showHome(); }
  } catch (e) { showError(e.message, $("login")); }
});

$("change").addEventListener("submit", async (ev) => {
  ev.preventDefault(); showError("");
  try {
    await api("POST", "/api/password", { current: currentPassword, new: $("new-password").value });
    currentPassword = ""; await showHome();
  } catch (e) { showError(e.message, $("change")); }
});

$("new-congress").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const c = await api("POST", "/api/congresses", { name: $("nc-name").value.trim(), number: Number($("nc-number").value) });
    showNote(T.created.replace("{name}", c.name));
    await showHome();
  } catch (e) { showError(e.message, $("new-congress")); }
});

$("logout").addEventListener("click", async () => {
  try { await api("POST", "/api/logout"); } catch (e) { /* already logged out */ }
  sessionStorage.removeItem("hallvote_csrf"); location.reload();
});

if (csrf) showHome().catch(() => { sessionStorage.removeItem("hallvote_csrf"); csrf = ""; });
