// Accessible names for the admin widgets that Django leaves without one (WCAG 4.1.2):
// the select2 boxes of autocomplete fields take the text of their field's label, and the
// inputs in tabular inlines take their column heading and row number. Runs on load and
// again whenever the admin adds elements (a new inline row, a re-rendered select2 box).
(function () {
  "use strict";

  function labelText(select) {
    if (!select || !select.id) return "";
    const label = document.querySelector('label[for="' + select.id + '"]');
    if (label) return label.textContent.replace(/:\s*$/, "").trim();
    return select.getAttribute("aria-label") || "";  // a tabular inline's cell
  }

  function nameSelect2(container) {
    const select = container.previousElementSibling;
    const name = labelText(select);
    if (!name) return;
    container
      .querySelectorAll('[role="combobox"], [role="textbox"], .select2-search__field')
      .forEach(function (element) {
        if (!element.hasAttribute("aria-label")) element.setAttribute("aria-label", name);
      });
  }

  function nameInlineCells(table) {
    const headings = Array.from(table.querySelectorAll("thead th")).map(function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr.form-row").forEach(function (row, rowIndex) {
      Array.from(row.children).forEach(function (cell, cellIndex) {
        const heading = headings[cellIndex];
        if (!heading) return;
        cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (field) {
          if (field.labels && field.labels.length) return;
          if (field.hasAttribute("aria-label")) return;
          field.setAttribute("aria-label", heading + ", rad " + (rowIndex + 1));
        });
      });
    });
  }

  // select2 puts its "clear all" button straight into a <ul>, where only <li> may be
  // (WCAG 1.3.1); it still works one level up, inside the same selection box.
  function moveClearButtons() {
    document.querySelectorAll("ul.select2-selection__rendered").forEach(function (list) {
      const box = list.parentNode;
      const fresh = list.querySelector(":scope > .select2-selection__clear");
      // select2 re-renders the list on every change; the button moved last time is stale.
      box.querySelectorAll(":scope > .select2-selection__clear").forEach(function (old) {
        if (fresh) old.remove();
        else if (!list.querySelector(".select2-selection__choice")) old.remove();
      });
      if (fresh) box.insertBefore(fresh, list);
    });
  }

  // django-import-export's export page labels its "select all" boxes (one per resource:
  // one row per project, one row per partner) for an id it never gives: each box gets an
  // id of its own and the label beside it points there.
  function linkSelectAllLabel() {
    document.querySelectorAll("input.select-toggle:not([id])").forEach(function (toggle, index) {
      const label = toggle.parentNode.querySelector('label[for="select-all-toggle"]');
      if (!label) return;
      toggle.id = "select-all-toggle-" + (index + 1);
      label.setAttribute("for", toggle.id);
    });
  }

  function nameAll() {
    linkSelectAllLabel();
    moveClearButtons();
    document.querySelectorAll(".inline-group .tabular table").forEach(nameInlineCells);
    document.querySelectorAll(".select2-container").forEach(nameSelect2);
  }

  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      nameAll();
    });
  }

  window.addEventListener("load", function () {
    nameAll();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  });
})();
