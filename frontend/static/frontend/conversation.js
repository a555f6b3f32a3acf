/*
 * The conversation at chat speed, over pages that work without it: relative times kept
 * current, a message edited in place (htmx swaps the row for its edit form and back) and
 * deleted in place with a short undo.
 *
 * Deleting forgets a message's words everywhere at once (communities.services.moderation,
 * Law 25), so it cannot be taken back afterwards: the undo is a delay. The row says "Message
 * supprimé — Annuler" for UNDO_SECONDS and only then asks the server, through the same view
 * and service as the confirmation page; leaving the page sends it at once.
 */
(function () {
  "use strict";

  var UNDO_SECONDS = 10;

  function readJSON(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  var strings = readJSON("conversation-strings") || {};

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  // --- relative times ("il y a 5 min"), as frontend/templatetags/conversation.py ---------
  function refreshTimes() {
    var now = Date.now();
    document.querySelectorAll("time[data-relative]").forEach(function (node) {
      var moment = new Date(node.getAttribute("datetime"));
      var seconds = Math.max(0, Math.floor((now - moment.getTime()) / 1000));
      if (isNaN(seconds)) return;
      var text = null;
      if (seconds < 60) text = strings.now;
      else if (seconds < 3600) text = fill(strings.minutes, { n: Math.floor(seconds / 60) });
      else if (new Date(now).toDateString() === moment.toDateString()) text = fill(strings.hours, { n: Math.floor(seconds / 3600) });
      if (text && node.textContent !== text) node.textContent = text;
    });
  }
  refreshTimes();
  setInterval(refreshTimes, 30000);

  // --- the sticky composer never hides what gets focus or is scrolled to ------------------
  // (WCAG 2.4.11): the page's scroll padding follows the composer's height.
  var composer = document.querySelector(".composer-sticky");
  if (composer && window.ResizeObserver) {
    new ResizeObserver(function () {
      document.documentElement.style.scrollPaddingBottom = composer.hidden ? "" : (composer.offsetHeight + 12) + "px";
    }).observe(composer);
  }

  // --- inline edit (htmx) ---------------------------------------------------------------
  var focusAfterSwap = null;

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target || !window.htmx) return;
    var edit = target.closest("[data-inline-edit]");
    if (edit) {
      var item = edit.closest("li[data-message-id]");
      if (!item) return;
      event.preventDefault();
      focusAfterSwap = item.id;
      window.htmx.ajax("GET", edit.getAttribute("href"), { target: item, swap: "outerHTML" });
      return;
    }
    var cancel = target.closest(".inline-edit [hx-get]");
    if (cancel) focusAfterSwap = cancel.closest("li").id;
    var del = target.closest("[data-inline-delete]");
    if (del) {
      var row = del.closest("li[data-message-id]");
      if (!row) return;
      event.preventDefault();
      startDelete(row, del.getAttribute("href"));
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // An answer given in place (RSVP): focus stays on the answer now pressed. Done as the new
    // part goes in, not at settle: in between, focus would sit on the removed button and a
    // quick Tab would leave the answers.
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "answers") return;
    var pressed = document.querySelector("#answers [data-rsvp-form] [aria-pressed=true]");
    if (pressed) pressed.focus();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "answers") return;
    if (!focusAfterSwap) return;
    var item = document.getElementById(focusAfterSwap);
    focusAfterSwap = null;
    if (!item) return;
    var field = item.querySelector("textarea");
    if (field) {
      // The rich editor over it (composer.js), when it is already there.
      if (field._editor) { field._editor.focusEnd(); return; }
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
      return;
    }
    // Back to the message: focus where the person was, the "Modifier" link.
    var again = item.querySelector("[data-inline-edit]") || item;
    if (again === item) item.setAttribute("tabindex", "-1");
    again.focus();
  });

  // The edit form saved: submit went through htmx; its answer replaced the form by the row.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest && event.target.closest(".inline-edit");
    if (form) focusAfterSwap = form.closest("li").id;
  });

  // --- delete in place, with a short undo ----------------------------------------------------
  var pending = {};

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function send(id) {
    var job = pending[id];
    if (!job) return;
    delete pending[id];
    clearTimeout(job.timer);
    var row = document.getElementById(id);
    if (window.htmx && row) {
      window.htmx.ajax("POST", job.url, { target: row, swap: "outerHTML", values: { csrfmiddlewaretoken: csrfToken() } });
    } else {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken());
      fetch(job.url, { method: "POST", body: body, credentials: "same-origin", keepalive: true, headers: { "HX-Request": "true" } });
    }
  }

  function startDelete(row, url) {
    if (pending[row.id]) return;
    var article = row.querySelector("article");
    var bar = document.createElement("p");
    bar.className = "undo-bar";
    bar.setAttribute("role", "status");
    bar.setAttribute("data-undo-bar", "");
    bar.appendChild(document.createTextNode((strings.deleted || "") + " "));
    var undo = document.createElement("button");
    undo.type = "button";
    undo.className = "link-button";
    undo.textContent = strings.undo || "";
    bar.appendChild(undo);
    article.hidden = true;
    row.classList.add("is-pending-delete");
    row.appendChild(bar);
    undo.focus();
    pending[row.id] = { url: url, timer: setTimeout(function () { send(row.id); }, UNDO_SECONDS * 1000) };
    undo.addEventListener("click", function () {
      var job = pending[row.id];
      if (!job) return;
      clearTimeout(job.timer);
      delete pending[row.id];
      row.removeChild(bar);
      article.hidden = false;
      row.classList.remove("is-pending-delete");
      var status = document.querySelector("[data-live-region]");
      if (status) status.textContent = strings.undone || "";
      var again = row.querySelector("[data-inline-delete]");
      if (again) again.focus();
    });
  }

  // Leaving the page does what the person asked: the deletes still waiting are sent now.
  window.addEventListener("pagehide", function () {
    Object.keys(pending).forEach(function (id) {
      var job = pending[id];
      delete pending[id];
      clearTimeout(job.timer);
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken());
      fetch(job.url, { method: "POST", body: body, credentials: "same-origin", keepalive: true });
    });
  });
})();
