/*
 * The register of decisions and actions, edited in place: htmx swaps a row for its edit form
 * and back, or marks an action done; this script only keeps the keyboard where the person
 * is and says the outcome politely. Without it (or without htmx) every link and form leads
 * to a page of its own and back.
 */
(function () {
  "use strict";

  // Which row a request was about and what should have the focus once its answer is in.
  var pending = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    var row = elt && elt.closest ? elt.closest("li[data-record]") : null;
    if (!row) return;
    var what = "edit";
    if (elt.matches("form.record-edit")) what = "saved";
    else if (elt.matches("[data-record-cancel]")) what = "cancelled";
    else if (elt.matches("form") && elt.querySelector("[data-record-toggle]")) what = "toggled";
    else if (elt.matches("form")) what = "status";
    pending = { id: row.id, what: what };
  });

  function announce(text) {
    var region = document.querySelector("[data-records-announce]");
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // Once settled, not right after the swap: htmx makes the new row's forms its own only then,
  // and a key pressed on a button focused earlier would send the form as a plain page.
  document.addEventListener("htmx:afterSettle", function () {
    var was = pending;
    pending = null;
    if (!was) return;
    var row = document.getElementById(was.id);
    if (!row) return;
    var form = row.querySelector("form.record-edit");
    if (form) {
      // The form (opened, or sent back with what to correct): its first field to correct,
      // else its first field, with the caret after what is written.
      var field = form.querySelector(".field-invalid input:not([type=hidden]), .field-invalid textarea")
        || form.querySelector("textarea, input:not([type=hidden])");
      if (field) {
        field.focus();
        if (typeof field.setSelectionRange === "function" && field.type !== "date"
            && field.type !== "checkbox") {
          field.setSelectionRange(field.value.length, field.value.length);
        }
      }
      return;
    }
    var said = row.querySelector("[data-record-said]");
    if (said) announce(said.textContent.trim());
    // Back on the row: where the person was (the toggle, the state's select, "Modifier").
    var target = null;
    if (was.what === "toggled") target = row.querySelector("[data-record-toggle]");
    else if (was.what === "status") target = row.querySelector("select[name=status]");
    else target = row.querySelector("[data-record-edit]");
    if (!target) {
      row.setAttribute("tabindex", "-1");
      target = row;
    }
    target.focus();
  });
})();
