/*
 * The message composer, enhanced: "Répondre" without leaving the page, a character count
 * toward the 20 000 limit, "en train d'écrire" hints for live.js to send, and @mention
 * suggestions over the space's members.
 *
 * Suggestions follow the ARIA "textbox with list autocomplete" pattern: the textarea keeps
 * its native role (a textarea may not take role=combobox in HTML) and gets aria-autocomplete,
 * aria-controls and aria-activedescendant pointing into a role=listbox.
 */
(function () {
  "use strict";

  function readJSON(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  var strings = readJSON("live-strings") || {};
  var members = readJSON("mention-members") || [];
  var MAX_CHARS = 20000;
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "fr-CA");

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // "Émilie" and "emilie" meet, as on the server (communities.mentions.fold).
  function fold(text) {
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // --- reply to a message without reloading ------------------------------------------------
  var composerForm = document.querySelector("[data-composer-form]");
  var replying = document.querySelector("[data-replying]");

  function setReply(id) {
    if (!composerForm || !replying) return;
    composerForm.querySelector("input[name=reply_to]").value = id ? String(id) : "";
    replying.hidden = !id;
    if (id) {
      var item = document.getElementById("message-" + id);
      var author = item && item.querySelector('[data-slot="author"]');
      var body = item && item.querySelector('[data-slot="body"]');
      var text = body ? body.textContent.split(/\s+/).join(" ").trim() : "";
      replying.querySelector("[data-replying-author]").textContent = author ? author.textContent : "";
      replying.querySelector("[data-replying-excerpt]").textContent = text.length > 140 ? text.slice(0, 140) + "…" : text;
    }
    composerForm.querySelector("textarea").focus();
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target || !composerForm) return;
    var reply = target.closest("[data-reply]");
    if (reply) { event.preventDefault(); setReply(Number(reply.getAttribute("data-reply"))); return; }
    if (target.closest("[data-cancel-reply]")) { event.preventDefault(); setReply(null); }
  });

  // --- character count and typing hints ----------------------------------------------------
  function countChars(field) {
    var counter = el("p", "char-count");
    counter.setAttribute("aria-hidden", "true");
    // Spoken only when crossing a threshold, not at every key.
    var alert = el("p", "visually-hidden");
    alert.setAttribute("aria-live", "polite");
    field.parentNode.insertBefore(counter, field.nextSibling);
    field.parentNode.insertBefore(alert, counter.nextSibling);
    var zone = "ok";
    function update() {
      var left = MAX_CHARS - field.value.trim().length;
      var now = left < 0 ? "over" : left < 1000 ? "near" : "ok";
      counter.textContent = left < 0 ? fill(strings.chars_over, { n: numbers.format(-left) })
        : fill(strings.chars_left, { n: numbers.format(left) });
      counter.classList.toggle("is-over", left < 0);
      if (now !== zone && now !== "ok") alert.textContent = counter.textContent;
      zone = now;
    }
    field.addEventListener("input", update);
    update();
  }

  // --- @mentions ---------------------------------------------------------------------------
  var listCount = 0;

  function mentions(field) {
    listCount += 1;
    var listId = "mention-list-" + listCount;
    var list = el("ul", "mention-list");
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", strings.mention_list || "@");
    list.hidden = true;
    var hint = el("p", "visually-hidden");
    hint.setAttribute("aria-live", "polite");
    field.parentNode.insertBefore(list, field.nextSibling);
    field.parentNode.insertBefore(hint, list.nextSibling);
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", listId);
    var matches = [];
    var active = -1;
    var start = -1;

    function close() {
      list.hidden = true;
      list.textContent = "";
      field.removeAttribute("aria-activedescendant");
      matches = [];
      active = -1;
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) field.setAttribute("aria-activedescendant", listId + "-" + index);
    }

    function choose(index) {
      var person = matches[index];
      if (!person) return;
      var before = field.value.slice(0, start);
      var after = field.value.slice(field.selectionStart);
      // Bound to the person by id: someone who later takes the same name is not the one named.
      var inserted = "@**" + person.name + "|" + person.id + "** ";
      field.value = before + inserted + after;
      var caret = before.length + inserted.length;
      field.setSelectionRange(caret, caret);
      close();
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function suggest() {
      var upto = field.value.slice(0, field.selectionStart);
      var match = /(^|[\s(])@([^\s@*]{0,30})$/.exec(upto);
      if (!match) { close(); return; }
      start = upto.length - match[2].length - 1;
      var wanted = fold(match[2]);
      matches = members.filter(function (person) {
        return fold(person.name).split(/[\s-]+/).concat([fold(person.name)]).some(function (part) {
          return part.indexOf(wanted) === 0;
        });
      }).slice(0, 8);
      list.textContent = "";
      matches.forEach(function (person, index) {
        var option = el("li", "mention-option", (person.hint || person.org) ? person.name + " · " + (person.hint || person.org) : person.name);
        // The person's photo (or initials) as beside their messages; decorative, the name is
        // the option's text.
        var face = person.photo ? el("img", "avatar") : el("span", "avatar", person.initials || "");
        if (person.photo) { face.src = person.photo; face.alt = ""; face.width = 24; face.height = 24; }
        else face.setAttribute("aria-hidden", "true");
        option.insertBefore(face, option.firstChild);
        option.id = listId + "-" + index;
        option.setAttribute("role", "option");
        option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(index); });
        list.appendChild(option);
      });
      list.hidden = matches.length === 0;
      hint.textContent = matches.length ? fill(strings.suggestions, { n: matches.length }) : strings.no_suggestion;
      highlight(matches.length ? 0 : -1);
    }

    field.addEventListener("input", function (event) {
      if (event.isTrusted || !list.hidden) suggest();
    });
    field.addEventListener("keydown", function (event) {
      if (list.hidden || !matches.length) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % matches.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + matches.length) % matches.length); }
      else if (event.key === "Enter" || event.key === "Tab") {
        if (active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    field.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("form textarea[name=body]").forEach(function (field) {
    countChars(field);
    if (members.length) mentions(field);
    if (field.closest("[data-composer-form]")) {
      field.addEventListener("input", function (event) {
        if (event.isTrusted) document.dispatchEvent(new CustomEvent("espace:typing"));
      });
    }
  });
})();
