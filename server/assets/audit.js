"use strict";
// Each entry's time in the browser's time zone and the page's language.
const lang = document.documentElement.lang;
for (const t of document.querySelectorAll("time[data-at]")) {
  const d = new Date(Number(t.dataset.at) * 1000);
  t.dateTime = d.toISOString();
  t.textContent = d.toLocaleString(lang, { year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}
