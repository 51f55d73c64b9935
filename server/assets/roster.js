"use strict";
// The roll's search: rows whose card number or name contains what is typed, in any case.
const box = document.getElementById("roster-search");
if (box) {
  const rows = [...document.querySelectorAll("#roster tbody tr")];
  const count = document.getElementById("roster-count");
  box.addEventListener("input", () => {
    const q = box.value.trim().toLowerCase();
    let shown = 0;
    for (const r of rows) {
      r.hidden = q !== "" && !r.dataset.search.includes(q);
      if (!r.hidden) shown += 1;
    }
    count.textContent = q === "" ? box.dataset.count.replace("{n}", rows.length)
      : box.dataset.shown.replace("{k}", shown).replace("{n}", rows.length);
  });
}

// The organiser's status change (the form is on the page for the organiser only):
// a row's button opens the form for that delegate; the change is recorded through
// the API, and the row then shows the new status.
const dialog = document.getElementById("status-dialog");
if (dialog) {
  const $ = (id) => document.getElementById(id);
  const csrf = sessionStorage.getItem("hallvote_csrf") || "";
  const words = {};
  for (const o of $("status-new").options) words[o.value] = o.textContent;
  let row = null;
  let opener = null;
  for (const button of document.querySelectorAll("#roster button.status-change")) {
    button.addEventListener("click", () => {
      row = button.closest("tr");
      opener = button;
      $("status-heading").textContent = dialog.dataset.heading
        .replace("{name}", row.dataset.name).replace("{card}", row.dataset.card);
      // Offer a change: the first status other than the delegate's own.
      const other = [...$("status-new").options].find((o) => o.value !== row.dataset.standing);
      $("status-new").value = other ? other.value : "active";
      $("status-effective").value = new Date().toISOString().slice(0, 10);
      $("status-reason").value = "";
      $("status-document").value = "";
      $("status-error").textContent = "";
      dialog.showModal();
      $("status-new").focus();
    });
  }
  $("status-cancel").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => { if (opener) opener.focus(); });
  $("status-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!row) return;
    const body = { status: $("status-new").value, effective: $("status-effective").value,
      reason: $("status-reason").value.trim(), document: $("status-document").value.trim() };
    $("status-submit").disabled = true;
    try {
      const path = dialog.dataset.api + encodeURIComponent(row.dataset.card) + "/status-changes";
      const res = await fetch(path, { method: "POST", credentials: "same-origin",
        headers: { "Accept": "application/json", "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body) });
      const text = await res.text();
      let data = null;
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
      if (res.status === 401) { location.href = "/"; return; }
      if (!res.ok) throw new Error((data && data.error && data.error.message) || res.statusText);
      row.dataset.standing = data.status;
      row.classList.toggle("void", data.status !== "active");
      // The cell says the status as the roll does: "有效", not the form's "恢复（有效）".
      row.querySelector("td.standing").textContent = data.status === "active"
        ? document.querySelector("#roster").dataset.active : words[data.status];
      $("note").textContent = dialog.dataset.done.replace("{name}", row.dataset.name)
        .replace("{status}", row.querySelector("td.standing").textContent);
      dialog.close();
    } catch (e) {
      $("status-error").textContent = e.message;
    } finally {
      $("status-submit").disabled = false;
    }
  });
}
