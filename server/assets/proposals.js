"use strict";
// The secretariat's proposals page: every form with data-api is sent to the API as
// JSON (the account's CSRF token in its header); what it did is shown once the
// page is drawn anew, what was refused next to the form. A field's data-kind says
// how it is sent: "lines" a list of the non-empty lines, "int" a number (left out
// when empty), "datetime" Unix seconds of the local time entered. A name with a dot
// ("lead.card") is sent nested.
const csrf = sessionStorage.getItem("hallvote_csrf") || "";
const kept = sessionStorage.getItem("hallvote_proposals_note");
if (kept) {
  sessionStorage.removeItem("hallvote_proposals_note");
  showNote(kept);
}
for (const t of document.querySelectorAll("time[data-at]")) {
  t.textContent = new Date(Number(t.dataset.at) * 1000).toLocaleString(document.documentElement.lang);
}
function bodyOf(form) {
  const body = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    let v = el.value;
    switch (el.dataset.kind) {
      case "lines": v = v.split("\n").map((l) => l.trim()).filter((l) => l !== ""); break;
      case "int": if (v === "") continue; v = Number(v); break;
      case "datetime": v = Math.floor(new Date(v).getTime() / 1000); break;
      default: v = v.trim();
    }
    const path = el.name.split(".");
    let at = body;
    for (const p of path.slice(0, -1)) at = at[p] = at[p] || {};
    at[path[path.length - 1]] = v;
  }
  return body;
}
for (const form of document.querySelectorAll("form[data-api]")) {
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const res = await fetch(form.dataset.api, { method: form.dataset.method || "POST", credentials: "same-origin",
        headers: { "Accept": "application/json", "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(bodyOf(form)) });
      const text = await res.text();
      let data = null;
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
      if (res.status === 401) { location.href = "/"; return; }
      if (!res.ok) throw new Error((data && data.error && data.error.message) || res.statusText);
      sessionStorage.setItem("hallvote_proposals_note", form.dataset.done || "");
      location.reload();
    } catch (e) {
      showError(e.message, button || form);
      if (button) button.disabled = false;
    }
  });
}
