"use strict";
// The texts in the page's language, from its data block (not run: no inline script).
const T = JSON.parse(document.getElementById("texts").textContent);
const SESSION = Number(document.body.dataset.session);
const $ = (id) => document.getElementById(id);
const csrf = sessionStorage.getItem("hallvote_csrf") || "";
let templates = {};
let stations = [];

// Refusals and notes: showError and showNote (messages.js).

async function api(method, path, body, contentType) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = contentType || "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrf;
  const res = await fetch(path, { method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : (contentType ? body : JSON.stringify(body)) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (res.status === 401) { location.href = "/"; throw new Error(T.login_again); }
  if (!res.ok) throw new Error((data && data.error && data.error.message) || res.statusText);
  return data;
}

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function button(text, onClick, secondary, id) {
  const b = el("button", text, id ? { type: "button", id } : { type: "button" });
  if (secondary) b.className = "secondary";
  b.addEventListener("click", async () => {
    b.disabled = true;
    try { await onClick(); } catch (e) { showError(e.message, b); } finally { b.disabled = false; }
  });
  return b;
}

// What the set-up checklist reads: the figures, the stations and the polls as last loaded.
const known = { attendance: null, stations: null, polls: null };
const STATE_ORDER = ["draft", "ceremony", "ready", "open", "closed", "tallied", "published"];
const reached = (p, state) => STATE_ORDER.indexOf(p.state) >= STATE_ORDER.indexOf(state);

function renderChecklist() {
  const a = known.attendance, live = (known.stations || []).filter((s) => !s.revoked), polls = known.polls || [];
  const count = (kind) => live.filter((s) => s.kind === kind).length;
  const fill = (t) => t.replace("{expected}", a ? a.expected : "?").replace("{present}", a ? a.present : "?")
    .replace("{desk}", count("desk")).replace("{booth}", count("booth")).replace("{scrutineer}", count("scrutineer"))
    .replace("{n}", polls.length);
  const steps = [
    ["roll", a !== null && a.expected > 0],
    ["stations", count("desk") > 0 && count("booth") > 0 && count("scrutineer") > 0],
    ["polls", polls.length > 0],
    ["ceremony", polls.length > 0 && polls.every((p) => reached(p, "ready"))],
    ["quorum", a !== null && a.quorum_met],
    ["open", polls.some((p) => reached(p, "open"))],
  ];
  let nextShown = false;
  const items = steps.map(([key, done]) => {
    const next = !done && !nextShown;
    if (next) nextShown = true;
    const li = el("li", undefined, { id: "check-" + key, class: done ? "done" : (next ? "next" : "todo") });
    if (next) li.setAttribute("aria-current", "step");
    li.append(el("span", done ? "✓ " + T.check_done : (next ? "➜ " + T.check_next : "○ " + T.check_todo), { class: "mark" }),
      el("span", fill(done ? T["check_" + key + "_done"] : T["check_" + key])));
    return li;
  });
  $("checklist").replaceChildren(...items);
}

async function loadFigures() {
  try {
    const a = await api("GET", "/api/sessions/" + SESSION + "/attendance");
    known.attendance = a;
    renderChecklist();
    $("figures").textContent = T.expected + " " + a.expected + T.p.gap + T.present + " " + a.present + T.p.gap +
      (a.quorum_met ? T.quorum_met : T.quorum_not_met);
  } catch (e) { $("figures").textContent = e.message; }
}

async function loadExclusions() {
  let list = [];
  try { list = await api("GET", "/api/sessions/" + SESSION + "/exclusions"); } catch (e) { return; }
  const items = list.map((x) => {
    const li = el("li", T.excluded_item.replace("{card}", x.card).replace("{reason}", T.reasons[x.reason] || x.reason) +
      (x.note ? T.p.open + x.note + T.p.close : "") + " ", { id: "exclusion-" + x.card });
    li.append(button(T.withdraw, async () => {
      if (!window.confirm(T.withdraw_confirm.replace("{card}", x.card))) return;
      await api("POST", "/api/sessions/" + SESSION + "/exclusions/" + encodeURIComponent(x.card) + "/withdraw");
      showNote(T.withdrawn.replace("{card}", x.card));
      await loadExclusions(); await loadFigures();
    }, true, "withdraw-" + x.card));
    return li;
  });
  $("exclusions").replaceChildren(...items);
}

function liveScrutineerStations() { return stations.filter((s) => s.kind === "scrutineer" && !s.revoked); }

function officersForm(p) {
  const form = el("form", undefined, { class: "card", id: "officers-" + p.id });
  form.append(el("h4", T.appoint));
  form.append(el("p", T.appoint_help, { class: "muted" }));
  const live = liveScrutineerStations();
  if (live.length === 0) { form.append(el("p", T.no_scrutineer_station)); return form; }
  const table = el("table");
  const head = el("tr");
  for (const h of [T.station_name, T.role, T.card]) head.append(el("th", h));
  const thead = el("thead");
  thead.append(head);
  table.append(thead);
  const body = el("tbody");
  for (const s of live) {
    const row = el("tr");
    row.append(el("td", s.name + T.p.open + "#" + s.id + T.p.close));
    const role = el("select", undefined, { id: "role-" + p.id + "-" + s.id, "aria-label": T.role + " " + s.name });
    for (const [v, t] of [["", T.role_none], ["scrutineer", T.role_scrutineer], ["counter", T.role_counter]]) {
      role.append(el("option", t, { value: v }));
    }
    const card = el("input", undefined, { id: "card-" + p.id + "-" + s.id, autocomplete: "off",
      "aria-label": T.card + " " + s.name });
    row.append(el("td")); row.lastChild.append(role);
    row.append(el("td")); row.lastChild.append(card);
    body.append(row);
  }
  table.append(body);
  form.append(table);
  const k = el("input", undefined, { id: "threshold-" + p.id, type: "number", min: "1", inputmode: "numeric", required: "" });
  form.append(el("label", T.threshold, { for: "threshold-" + p.id }), k);
  form.append(el("button", T.appoint_button, { type: "submit", id: "appoint-" + p.id }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const scrutineers = [], counters = [];
    for (const s of live) {
      const role = $("role-" + p.id + "-" + s.id).value;
      const card = $("card-" + p.id + "-" + s.id).value.trim();
      if (!role) continue;
      if (!card) { showError(T.card_missing.replace("{s}", s.name), form); return; }
      (role === "scrutineer" ? scrutineers : counters).push({ card, station: s.id });
    }
    try {
      await api("POST", "/api/polls/" + p.id + "/officers", { threshold: Number(k.value), scrutineers, counters });
      showNote(T.appointed);
      await loadPolls();
    } catch (e) { showError(e.message, form); }
  });
  return form;
}

// 述职 summaries (spec §14.16): one member at a time, until the poll opens; the booth
// shows each before the contest's marks.
function reportsForm(p) {
  const form = el("form", undefined, { class: "card", id: "reports-" + p.id });
  form.append(el("h4", T.reports), el("p", T.reports_help, { class: "muted" }));
  const who = el("select", undefined, { id: "report-member-" + p.id });
  for (const c of p.contests.filter((c) => c.reports)) {
    for (const m of c.items) who.append(el("option", c.title + T.p.open + m + T.p.close, { value: JSON.stringify([c.id, m]) }));
  }
  const text = el("textarea", undefined, { id: "report-text-" + p.id, rows: "6", maxlength: "6000" });
  let saved = [];
  const show = () => {
    const [contest, member] = JSON.parse(who.value);
    const r = saved.find((x) => x.contest === contest && x.member === member);
    text.value = r ? r.text : "";
  };
  who.addEventListener("change", show);
  api("GET", "/api/polls/" + p.id + "/reports").then((list) => { saved = list; show(); }).catch(() => {});
  form.append(el("label", T.report_member, { for: who.id }), who, el("label", T.report_text, { for: text.id }), text,
    el("button", T.report_save, { type: "submit", id: "report-save-" + p.id }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const [contest, member] = JSON.parse(who.value);
    try {
      const r = await api("PUT", "/api/polls/" + p.id + "/reports", { contest, member, text: text.value });
      saved = saved.filter((x) => !(x.contest === contest && x.member === member));
      if (r.text) saved.push(r);
      text.value = r.text;
      showNote(T.report_saved.replace("{name}", member));
    } catch (e) { showError(e.message, form); }
  });
  return form;
}

function step(p, path, done, confirmText) {
  return async () => {
    if (confirmText && !window.confirm(confirmText)) return;
    await api("POST", "/api/polls/" + p.id + "/" + path);
    showNote(done);
    await loadPolls();
    await loadFigures();
  };
}

async function pollCard(p) {
  const box = el("div", undefined, { class: "card", id: "poll-" + p.id });
  const title = el("h3", p.name + " ");
  title.append(el("span", T.states[p.state] || p.state, { class: "state", id: "state-" + p.id }));
  box.append(title);
  box.append(el("p", p.contests.map((c) => c.title + T.p.open + c.items.length + T.p.close).join(T.p.list), { class: "muted" }));
  if (p.fingerprint) {
    const fp = el("p", T.fingerprint);
    fp.append(el("strong", p.fingerprint, { class: "fingerprint", id: "fingerprint-" + p.id }));
    box.append(fp);
  }
  let officers = [];
  try { officers = await api("GET", "/api/polls/" + p.id + "/officers"); } catch (e) { officers = []; }
  const list = Array.isArray(officers) ? officers : (officers && officers.officers) || [];
  if (list.length > 0) {
    box.append(el("p", T.officers + list.map((o) => (o.role === "counter" ? T.role_counter : T.role_scrutineer) +
      " " + o.name).join(T.p.list)));
  }
  if (p.state === "ready") {
    // Each scrutineer's key check (spec §5.7): the poll opens when all have passed.
    const checks = el("ul", undefined, { class: "key-checks", id: "key-checks-" + p.id });
    for (const o of list.filter((o) => o.role === "scrutineer")) {
      checks.append(el("li", T.key_check_item.replace("{j}", o.position).replace("{name}", o.name)
        .replace("{state}", o.key_checked ? T.key_check_passed : T.key_check_pending),
        { class: o.key_checked ? "ok" : "pending", id: "key-check-" + p.id + "-" + o.position }));
    }
    box.append(el("p", T.key_checks), checks);
  }
  const actions = el("div");
  if (["draft", "ceremony", "ready"].includes(p.state) && p.contests.some((c) => c.reports)) box.append(reportsForm(p));
  if (p.state === "draft" && list.length === 0) box.append(officersForm(p));
  if (p.state === "draft" && list.length > 0) actions.append(button(T.start_ceremony, step(p, "ceremony", T.ceremony_started), false, "ceremony-" + p.id));
  if (p.state === "ceremony") {
    actions.append(el("p", T.ceremony_wait), button(T.refresh, loadPolls, true, "refresh-" + p.id),
      button(T.restart, step(p, "ceremony/restart", T.restarted, T.restart_confirm), true, "restart-" + p.id));
  }
  if (p.state === "ready") {
    actions.append(el("p", T.key_check_wait), button(T.open, step(p, "open", T.opened), false, "open-" + p.id),
      button(T.refresh, loadPolls, true, "refresh-" + p.id),
      button(T.restart, step(p, "ceremony/restart", T.restarted, T.restart_confirm), true, "restart-" + p.id));
  }
  // The poll's figures as they stand (issued, cast, decryptions, signatures), kept
  // live by watch(): the organiser sees turnout without reloading.
  let status = null;
  if (["open", "closed", "tallied", "published"].includes(p.state)) {
    try { status = await api("GET", "/api/polls/" + p.id + "/status"); } catch (e) { status = null; }
    if (status) box.append(el("p", progressText(status), { class: "progress", id: "progress-" + p.id, "aria-live": "polite" }));
  }
  if (p.state === "open") {
    actions.append(button(T.close, async () => {
      // The confirmation states the counts as they are when the button is pressed.
      const now = await api("GET", "/api/polls/" + p.id + "/status");
      const confirmText = T.close_confirm.replace("{issued}", now.issued).replace("{cast}", now.cast)
        .replace("{left}", Math.max(0, now.issued - now.cast));
      await step(p, "close", T.closed, confirmText)();
    }, false, "close-" + p.id));
  }
  if (p.state === "closed") actions.append(el("p", T.decrypt_wait), button(T.tally, step(p, "tally", T.tallied), false, "tally-" + p.id));
  if (p.state === "tallied") actions.append(el("p", T.sign_wait), button(T.publish, step(p, "publish", T.published, T.publish_confirm), false, "publish-" + p.id));
  if (p.state === "published" && status) {
    // Only what this result calls for (a tie at the cut-off, seats left empty).
    for (const [kind, text] of [["runoff", T.runoff], ["separate_election", T.separate]]) {
      if (!(status.follow_ups || []).includes(kind)) continue;
      actions.append(button(text, async () => {
        const q = await api("POST", "/api/polls/" + p.id + "/follow-up", { kind });
        showNote(T.follow_up_made.replace("{name}", q.name));
        await loadPolls();
      }, true, kind + "-" + p.id));
    }
  }
  box.append(actions);
  const links = el("p", undefined, { class: "links" });
  links.append(el("a", T.board, { href: "/polls/" + p.id + "/board" }));
  if (p.state === "tallied" || p.state === "published") {
    links.append(el("a", T.sheet, { href: "/polls/" + p.id + "/sheet" }));
    links.append(el("a", T.sheet_pdf, { href: "/polls/" + p.id + "/sheet.pdf" }));
  }
  if (p.state === "published") links.append(el("a", T.record, { href: "/api/polls/" + p.id + "/record" }));
  box.append(links);
  return box;
}

function progressText(st) {
  const fill = (t) => t.replace("{present}", st.present ?? "").replace("{issued}", st.issued).replace("{cast}", st.cast)
    .replace("{decrypted}", st.decryptions.length).replace("{k}", st.threshold ?? "")
    .replace("{signed}", st.signatures).replace("{needed}", st.signatures_needed);
  if (st.state === "open") return fill(T.progress_open);
  if (st.state === "closed") return fill(T.progress_closed);
  if (st.state === "tallied") return fill(T.progress_tallied);
  return fill(T.progress_published);
}

// The figures of the polls shown, brought up to date in place.
async function refreshProgress() {
  for (const line of document.querySelectorAll("#polls .progress")) {
    const id = line.id.replace("progress-", "");
    try {
      const st = await api("GET", "/api/polls/" + id + "/status");
      const text = progressText(st);
      if (line.textContent !== text) line.textContent = text;
    } catch (e) { /* shown on the next action */ }
  }
}

let shownStates = "";
let pollLoads = 0;
const statesOf = (polls) => polls.map((p) => p.id + ":" + p.state).join(",");

async function loadPolls() {
  pollLoads += 1;
  const holder = $("polls");
  try {
    const polls = await api("GET", "/api/sessions/" + SESSION + "/polls");
    shownStates = statesOf(polls);
    known.polls = polls;
    renderChecklist();
    const cards = [];
    for (const p of polls) cards.push(await pollCard(p));
    holder.replaceChildren(...cards);
    if (polls.length === 0) holder.append(el("p", T.no_polls, { class: "muted" }));
  } catch (e) { holder.replaceChildren(el("p", e.message)); }
}

async function loadStations() {
  try { stations = await api("GET", "/api/stations"); } catch (e) { stations = []; showError(e.message); }
  known.stations = stations;
  renderChecklist();
  const rows = stations.map((s) => {
    const row = el("tr", undefined, { id: "station-" + s.id });
    row.append(el("td", String(s.id)), el("td", T.kinds[s.kind] || s.kind), el("td", s.name),
      el("td", s.revoked ? T.revoked : T.live));
    const cell = el("td");
    if (!s.revoked) {
      cell.append(button(T.revoke, async () => {
        if (!window.confirm(T.revoke_confirm.replace("{s}", s.name))) return;
        await api("POST", "/api/stations/" + s.id + "/revoke");
        showNote(T.revoked_note.replace("{s}", s.name));
        await loadStations(); await loadPolls();
      }, true, "revoke-" + s.id));
    }
    row.append(cell);
    return row;
  });
  $("station-list").replaceChildren(...rows);
}

function fillTemplate() {
  const t = templates[$("np-template").value];
  if (!t) return;
  const c = t.contests[0];
  $("np-name").value = t.name;
  const election = c.type === "election";
  $("np-seats").hidden = !election; $("np-seats-label").hidden = !election;
  $("np-seats").required = election;
  $("np-writeins-label").hidden = !election; $("np-writeins").checked = election;
  if (election) $("np-seats").value = c.seats;
  $("np-items-label").textContent = election ? T.names_candidates : (c.type === "motion" ? T.names_items : T.names_members);
  $("np-items").value = (c.items || []).join("\n");
}

$("np-template").addEventListener("change", fillTemplate);

// More contests on the same ballot (a by-election and a motion, say): each section
// has its own kind, title, seats and names, numbered 2, 3, … in the order added.
let extraContests = 0;

function kindLabel(c) {
  return c.type === "election" ? T.names_candidates : (c.type === "motion" ? T.names_items : T.names_members);
}

function addContest() {
  const n = ++extraContests + 1;
  const box = el("fieldset", undefined, { class: "contest", id: "np-contest-" + n });
  box.append(el("legend", T.contest_n.replace("{n}", n)));
  const kind = el("select", undefined, { id: "np-template-" + n });
  for (const o of $("np-template").options) kind.append(el("option", o.textContent, { value: o.value }));
  const title = el("input", undefined, { id: "np-title-" + n, required: "", autocomplete: "off" });
  const seats = el("input", undefined, { id: "np-seats-" + n, type: "number", min: "1", max: "1023", inputmode: "numeric" });
  const seatsLabel = el("label", T.seats, { for: "np-seats-" + n });
  // An election's write-ins (另选他人, R9): allowed unless the organiser says not.
  const writeIns = el("input", undefined, { id: "np-writeins-" + n, type: "checkbox" });
  const writeInsLabel = el("label", undefined, { class: "check", id: "np-writeins-label-" + n });
  writeInsLabel.append(writeIns, " " + T.write_ins);
  const itemsLabel = el("label", "", { for: "np-items-" + n });
  const items = el("textarea", undefined, { id: "np-items-" + n, required: "" });
  const fill = () => {
    const t = templates[kind.value];
    if (!t) return;
    const c = t.contests[0];
    const election = c.type === "election";
    title.value = c.title;
    seats.hidden = !election; seatsLabel.hidden = !election; seats.required = election;
    writeInsLabel.hidden = !election; writeIns.checked = election;
    if (election) seats.value = c.seats;
    itemsLabel.textContent = kindLabel(c);
    items.value = (c.items || []).join("\n");
  };
  kind.addEventListener("change", fill);
  const remove = button(T.remove_contest, async () => { box.remove(); $("np-add").focus(); }, true, "np-remove-" + n);
  box.append(el("label", T.contest_kind, { for: "np-template-" + n }), kind,
    el("label", T.contest_title, { for: "np-title-" + n }), title, seatsLabel, seats, writeInsLabel, itemsLabel, items,
    remove);
  $("np-more").append(box);
  fill();
  kind.focus();
}

// One contest of the poll from its section's fields; `id` distinct within the poll.
// `writeIns`: the section's 允许另选他人 switch (an election's only).
function contestFrom(kind, title, seats, items, id, writeIns) {
  const c = JSON.parse(JSON.stringify(templates[kind].contests[0]));
  const names = items.split("\n").map((s) => s.trim()).filter((s) => s.length > 0);
  c.id = id; c.title = title.trim();
  if (c.type === "election") {
    c.seats = Number(seats); c.candidates = names.map((name) => ({ name }));
    c.write_ins = writeIns;
  }
  else if (c.type === "motion") c.items = names;
  else c.members = names;
  return c;
}

$("new-poll").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const t = JSON.parse(JSON.stringify(templates[$("np-template").value]));
  t.name = $("np-name").value.trim();
  const first = t.contests[0].id;
  t.contests = [contestFrom($("np-template").value, t.name, $("np-seats").value, $("np-items").value, first,
    $("np-writeins").checked)];
  for (const box of $("np-more").querySelectorAll("fieldset.contest")) {
    const n = box.id.replace("np-contest-", "");
    const kind = $("np-template-" + n).value;
    t.contests.push(contestFrom(kind, $("np-title-" + n).value, $("np-seats-" + n).value, $("np-items-" + n).value,
      templates[kind].contests[0].id + "-" + n, $("np-writeins-" + n).checked));
  }
  try {
    const p = await api("POST", "/api/sessions/" + SESSION + "/polls", t);
    showNote(T.poll_created.replace("{name}", p.name));
    $("np-more").replaceChildren();
    await loadPolls();
  } catch (e) { showError(e.message, ev.target); }
});

// 列席 and 旁听: who is registered, and whether they have checked in at the desk.
async function loadAttendees() {
  let list = [];
  try { list = await api("GET", "/api/sessions/" + SESSION + "/attendees"); } catch (e) { return; }
  $("attendees").replaceChildren(...list.map((a) => el("li", T.attendee_item.replace("{number}", a.number)
    .replace("{name}", a.name).replace("{unit}", a.unit || "—").replace("{kind}", T.attendee_kinds[a.kind] || a.kind)
    .replace("{state}", a.checked_in ? T.attendee_in : T.attendee_out), { id: "attendee-" + a.number })));
}

$("attendee").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const a = await api("POST", "/api/sessions/" + SESSION + "/attendees", { number: $("at-number").value.trim(),
      name: $("at-name").value.trim(), unit: $("at-unit").value.trim(), kind: $("at-kind").value });
    showNote(T.attendee_registered.replace("{name}", a.name).replace("{number}", a.number));
    $("at-number").value = ""; $("at-name").value = ""; $("at-unit").value = "";
    await loadAttendees();
  } catch (e) { showError(e.message, ev.target); }
});

$("exclusion").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    await api("POST", "/api/sessions/" + SESSION + "/exclusions",
      { card: $("ex-card").value.trim(), reason: $("ex-reason").value, note: $("ex-note").value.trim() });
    showNote(T.excluded.replace("{card}", $("ex-card").value.trim()));
    $("ex-card").value = ""; $("ex-note").value = "";
    await loadFigures(); await loadExclusions();
  } catch (e) { showError(e.message, ev.target); }
});

$("enrol").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const e = await api("POST", "/api/stations/enrolments", { kind: $("en-kind").value, name: $("en-name").value.trim(),
      server_url: $("en-url").value.trim() });
    const holder = $("enrol-code");
    holder.replaceChildren(el("p", T.enrol_scan.replace("{s}", e.name).replace("{t}",
      new Date(e.expires_at * 1000).toLocaleTimeString())));
    const svg = new DOMParser().parseFromString(e.qr_svg, "image/svg+xml").documentElement;
    svg.setAttribute("role", "img"); svg.setAttribute("aria-label", T.enrol_qr.replace("{s}", e.name));
    holder.append(document.importNode(svg, true));
    holder.append(el("p", e.qr_text, { class: "muted", id: "enrol-text" }));
    showNote("");
  } catch (e) { showError(e.message, ev.target); }
});

async function start() {
  // In the order people expect (the texts arrive with their keys sorted).
  for (const v of ["illness", "abroad", "detained", "other"]) $("ex-reason").append(el("option", T.reasons[v], { value: v }));
  for (const v of ["booth", "desk", "scrutineer"]) $("en-kind").append(el("option", T.kinds[v], { value: v }));
  $("en-url").value = location.origin;
  try {
    templates = await api("GET", "/api/poll-templates");
    const order = ["election", "by_election", "confidence", "evaluation", "motion", "recall"];
    const keys = Object.keys(templates).sort((a, b) => order.indexOf(a) - order.indexOf(b));
    for (const k of keys) $("np-template").append(el("option", T.template_names[k] || k, { value: k }));
    fillTemplate();
    $("np-add").addEventListener("click", addContest);
  } catch (e) { $("new-poll").hidden = true; }
  await loadFigures();
  await loadExclusions();
  await loadAttendees();
  await loadStations();
  await loadPolls();
}

// Every 5 s: the figures, and the polls when one has moved on (a key ceremony done
// at the stations, a poll decrypted or signed), unless a poll's form has been filled in.
async function watch() {
  await loadFigures();
  await loadAttendees();
  try {
    const seen = pollLoads;
    const polls = await api("GET", "/api/sessions/" + SESSION + "/polls");
    // Not over something typed or chosen, and not if the list was reloaded meanwhile.
    const filled = [...document.querySelectorAll("#polls form select, #polls form input")].some((e) => e.value);
    if (statesOf(polls) !== shownStates && !filled && seen === pollLoads) await loadPolls();
    else await refreshProgress();
  } catch (e) { /* shown on the next action */ }
}

if (!csrf) location.href = "/";
else start().then(() => setInterval(watch, 5000)).catch((e) => showError(e.message));
