/*
 * The shell without reloads: the menu button opens the sidebar as a drawer (without
 * JavaScript it is a link to #menu, opened by :target), Escape or a click outside closes it
 * and the account menu, and focus goes where the person expects.
 */
(function () {
  "use strict";
  var body = document.body;
  var menu = document.querySelector("[data-menu]");
  var toggle = document.querySelector("[data-menu-toggle]");
  var closer = document.querySelector("[data-menu-close]");
  if (!menu || !toggle) return;

  toggle.setAttribute("role", "button");
  toggle.setAttribute("aria-expanded", "false");

  function setOpen(open, refocus) {
    menu.classList.toggle("is-open", open);
    body.classList.toggle("menu-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = menu.querySelector("a[aria-current]") || menu.querySelector("a");
      if (first) first.focus();
    } else if (refocus) {
      toggle.focus();
    }
  }

  toggle.addEventListener("click", function (event) {
    event.preventDefault();
    setOpen(!menu.classList.contains("is-open"), false);
  });
  if (closer) closer.addEventListener("click", function (event) {
    event.preventDefault();
    setOpen(false, true);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (menu.classList.contains("is-open")) setOpen(false, true);
    document.querySelectorAll("details[data-dropdown][open]").forEach(function (d) {
      d.open = false;
      d.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    if (menu.classList.contains("is-open") && !menu.contains(event.target) && !toggle.contains(event.target)) {
      setOpen(false, false);
    }
    document.querySelectorAll("details[data-dropdown][open]").forEach(function (d) {
      if (!d.contains(event.target)) d.open = false;
    });
  });
  // Opened without JavaScript first (#menu in the address), then enhanced: keep it coherent.
  if (window.location.hash === "#menu") setOpen(true, false);
})();
