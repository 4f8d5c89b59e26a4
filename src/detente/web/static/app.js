// detente dashboard: small progressive enhancements; every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Article page: show or hide one kind of highlight (mentions, quotes, triggers).
  const body = document.getElementById("article-body");
  for (const box of document.querySelectorAll("input[data-toggle]")) {
    box.addEventListener("change", () => {
      if (body) body.classList.toggle("hide-" + box.dataset.toggle, !box.checked);
    });
  }
  // Filter forms: drop empty fields so that shared URLs stay short and readable.
  for (const form of document.querySelectorAll("form.filters")) {
    form.addEventListener("submit", () => {
      for (const el of form.querySelectorAll("input, select")) {
        if (el.name && !el.value) el.disabled = true;
      }
    });
  }
  // Selects of a filter form submit at once.
  for (const sel of document.querySelectorAll("form.filters select")) {
    sel.addEventListener("change", () => sel.form.requestSubmit());
  }
});
