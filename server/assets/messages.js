"use strict";
// What the console's pages (the start page, a session's page) say back to a person:
// a refusal next to what they pressed (its form, card, list item or table cell),
// scrolled into view, not at the top of a long page they are scrolled far below
// (issue 16, item 2); a note of what was done in the page's status line. Loaded
// before the page's own script, which calls these.
function clearMessages() {
  for (const m of document.querySelectorAll(".inline-message")) m.remove();
  document.getElementById("error").textContent = "";
  document.getElementById("note").textContent = "";
}
function showError(message, anchor) {
  clearMessages();
  if (!message) return;
  const place = anchor ? anchor.closest("form, .card, li, td") : null;
  const top = document.getElementById("error");
  if (!place) {
    top.textContent = message;
    top.scrollIntoView({ block: "nearest" });
    return;
  }
  const m = document.createElement("p");
  m.textContent = message;
  m.className = "error inline-message";
  m.setAttribute("role", "alert");
  if (place.id) m.id = place.id + "-message";
  place.append(m);
  m.scrollIntoView({ block: "nearest" });
}
function showNote(message) {
  clearMessages();
  document.getElementById("note").textContent = message || "";
}
