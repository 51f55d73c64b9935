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
