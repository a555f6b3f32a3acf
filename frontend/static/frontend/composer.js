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

  // --- post without leaving the page ------------------------------------------------------
  // The thread view answers X-Requested-With: fetch with {redirect} or {message, errors}
  // (frontend/views/documents/common.py); the new message arrives through the live socket
  // like everyone else's. A file goes through upload.js (progress bar), and without the
  // socket the page goes where the server said.
  function postInPlace(event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-composer-form]") || event.defaultPrevented) return;
    var file = form.querySelector("input[type=file]");
    if (file && file.files && file.files.length) return;
    if (!window.fetch || !window.FormData) return;
    event.preventDefault();
    var field = form.querySelector("textarea[name=body]");
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      if (button) button.disabled = false;
      var error = form.querySelector("[data-post-error]");
      if (!answer.ok) {
        if (!error) {
          error = el("p", "errorlist post-error");
          error.setAttribute("role", "alert");
          error.setAttribute("data-post-error", "");
          field.parentNode.insertBefore(error, field);
        }
        error.textContent = answer.data.message || strings.action_failed || "";
        field.focus();
        return;
      }
      if (error) error.remove();
      field.value = "";
      field._mentions = [];
      form.querySelectorAll("input[name=attachments]:checked").forEach(function (box) { box.checked = false; });
      setReply(null);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      var id = /[?&]message=(\d+)/.exec(answer.data.redirect || "");
      setTimeout(function () {
        if (id && !document.getElementById("message-" + id[1])) window.location.href = answer.data.redirect;
      }, 4000);
    }).catch(function () {
      if (button) button.disabled = false;
      form.submit();
    });
  }
  document.addEventListener("submit", postInPlace);

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
      counter.classList.toggle("is-near", now === "near");
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
      // The reader sees the name; the form sends it bound to the person by id (see bindNames),
      // so someone who later takes the same name is not the one named.
      var inserted = "@" + person.name + " ";
      remember(field, person.name, person.id);
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
    return { suggest: suggest };
  }

  // --- mentions shown as names, stored bound ----------------------------------------------
  // Storage stays Markdown with ``@**Name|id**`` (communities/mentions.py), but nobody should
  // read that syntax: the textarea shows "@Name" and the form data carries the bound form.
  function remember(field, name, id) {
    field._mentions = field._mentions || [];
    if (!field._mentions.some(function (m) { return m.name === name && m.id === id; })) {
      field._mentions.push({ name: name, id: id });
    }
  }

  function showNames(field) {
    field.value = field.value.replace(/@\*\*([^*\n]{1,120}?)(?:\|(\d{1,19}))?\*\*/g, function (all, name, id) {
      remember(field, name.trim(), id ? Number(id) : null);
      return "@" + name.trim();
    });
  }

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function bindNames(field) {
    var text = field.value;
    (field._mentions || []).slice().sort(function (a, b) { return b.name.length - a.name.length; })
      .forEach(function (m) {
        var pattern = new RegExp("(^|[^\\p{L}\\p{N}_*])@" + escapeRegExp(m.name) + "(?![\\p{L}\\p{N}_])", "gu");
        text = text.replace(pattern, function (all, before) {
          return before + "@**" + m.name + (m.id ? "|" + m.id : "") + "**";
        });
      });
    return text;
  }

  // --- formatting toolbar -----------------------------------------------------------------
  var conv = readJSON("conversation-strings") || {};
  var mac = /Mac|iPhone|iPad/.test(navigator.platform || "");
  var mod = mac ? "⌘" : "Ctrl+";

  function replaceSelection(field, text, selectFrom, selectTo) {
    var start = field.selectionStart;
    var end = field.selectionEnd;
    field.focus();
    field.setSelectionRange(start, end);
    // execCommand keeps the browser's undo history; setRangeText is the fallback.
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      field.setRangeText(text, start, end, "end");
    }
    field.setSelectionRange(start + selectFrom, start + selectTo);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function wrap(field, marker, placeholder) {
    var selected = field.value.slice(field.selectionStart, field.selectionEnd);
    var inner = selected || placeholder || "";
    replaceSelection(field, marker + inner + marker, marker.length, marker.length + inner.length);
  }

  function prefixLines(field, prefix) {
    var value = field.value;
    var start = value.lastIndexOf("\n", field.selectionStart - 1) + 1;
    var end = field.selectionEnd;
    field.setSelectionRange(start, end);
    var lines = value.slice(start, end).split("\n").map(function (line) { return prefix + line; }).join("\n");
    replaceSelection(field, lines, lines.length, lines.length);
  }

  function link(field) {
    var selected = field.value.slice(field.selectionStart, field.selectionEnd) || conv.link_text || "";
    var text = "[" + selected + "](https://)";
    // The address is selected, ready to be typed over.
    replaceSelection(field, text, selected.length + 3, text.length - 1);
  }

  var ACTIONS = {
    bold: function (f) { wrap(f, "**", conv.bold); },
    italic: function (f) { wrap(f, "*", conv.italic); },
    list: function (f) { prefixLines(f, "- "); },
    link: link,
    quote: function (f) { prefixLines(f, "> "); },
  };
  var KEYS = { b: "bold", i: "italic", k: "link" };

  function toolbar(field, mentioner) {
    var bar = el("div", "format-toolbar");
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", conv.toolbar || "");
    bar.setAttribute("aria-controls", field.id);
    var buttons = [["bold", "B", "b"], ["italic", "I", "i"], ["list", "•", ""], ["link", "🔗", "k"],
      ["quote", "❝", ""]];
    if (mentioner) buttons.push(["mention", "@", ""]);
    buttons.forEach(function (spec, index) {
      var button = el("button", "format-button format-" + spec[0]);
      button.type = "button";
      button.setAttribute("data-format-action", spec[0]);
      var name = conv[spec[0]] || spec[0];
      button.setAttribute("aria-label", name);
      button.title = spec[2] ? name + " (" + mod + spec[2].toUpperCase() + ")" : name;
      if (spec[2]) button.setAttribute("aria-keyshortcuts", (mac ? "Meta+" : "Control+") + spec[2].toUpperCase());
      var face = el("span", "", spec[1]);
      face.setAttribute("aria-hidden", "true");
      button.appendChild(face);
      // One tab stop for the whole toolbar; arrows move inside it (ARIA toolbar pattern).
      button.tabIndex = index === 0 ? 0 : -1;
      bar.appendChild(button);
    });
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-format-action]");
      if (!button) return;
      var action = button.getAttribute("data-format-action");
      if (action === "mention") {
        var at = field.selectionStart > 0 && !/\s/.test(field.value.charAt(field.selectionStart - 1)) ? " @" : "@";
        replaceSelection(field, at, at.length, at.length);
        mentioner.suggest();
        return;
      }
      ACTIONS[action](field);
    });
    bar.addEventListener("keydown", function (event) {
      var items = Array.prototype.slice.call(bar.querySelectorAll("button"));
      var current = items.indexOf(document.activeElement);
      var next = event.key === "ArrowRight" ? current + 1 : event.key === "ArrowLeft" ? current - 1
        : event.key === "Home" ? 0 : event.key === "End" ? items.length - 1 : null;
      if (next === null || current < 0) return;
      event.preventDefault();
      next = (next + items.length) % items.length;
      items.forEach(function (item, i) { item.tabIndex = i === next ? 0 : -1; });
      items[next].focus();
    });
    var holder = field.closest(".field") || field.parentNode;
    holder.insertBefore(bar, field);
    field.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      var action = KEYS[event.key.toLowerCase()];
      if (!action) return;
      event.preventDefault();
      ACTIONS[action](field);
    });
  }

  // --- Enter sends (or makes a new line: the person's choice, remembered) -----------------
  var ENTER_KEY = "espace.enterSends";

  function enterSends() {
    try { return window.localStorage.getItem(ENTER_KEY) !== "0"; } catch (e) { return true; }
  }

  function sendKeys(field) {
    var form = field.form;
    var hint = form.querySelector("[data-enter-hint]");
    if (!hint) {
      hint = el("p", "composer-keys muted");
      var row = form.querySelector(".button-row") || field.parentNode;
      row.parentNode.insertBefore(hint, row);
    }
    hint.hidden = false;
    hint.textContent = "";
    var text = el("span", "");
    var toggle = el("button", "link-button", conv.switch_keys || "");
    toggle.type = "button";
    hint.appendChild(text);
    hint.appendChild(document.createTextNode(" "));
    hint.appendChild(toggle);
    function show() {
      var sends = enterSends();
      text.textContent = sends ? conv.enter_sends : conv.enter_newline;
      toggle.setAttribute("aria-pressed", "false");
      toggle.setAttribute("aria-label", (conv.switch_keys || "") + " — " + (sends ? conv.enter_newline : conv.enter_sends));
    }
    toggle.addEventListener("click", function () {
      try { window.localStorage.setItem(ENTER_KEY, enterSends() ? "0" : "1"); } catch (e) { /* private mode */ }
      show();
      field.focus();
    });
    show();
    field.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.defaultPrevented || event.isComposing) return;
      var modifier = event.ctrlKey || event.metaKey;
      var send = enterSends() ? (!event.shiftKey && !event.altKey) : modifier;
      if (!send) return;
      event.preventDefault();
      if (field.value.trim() === "") return;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    });
  }

  function enhance(root) {
    root.querySelectorAll("form textarea[name=body], textarea[data-format]").forEach(function (field) {
      if (field._enhanced) return;
      field._enhanced = true;
      var mentioner = null;
      if (field.name === "body") {
        countChars(field);
        if (members.length) mentioner = mentions(field);
        showNames(field);
        field.form.addEventListener("formdata", function (event) {
          event.formData.set(field.name, bindNames(field));
        });
      }
      if (field.hasAttribute("data-format")) toolbar(field, mentioner);
      if (field.closest("[data-composer-form], .inline-edit")) sendKeys(field);
      if (field.closest("[data-composer-form]")) {
        field.addEventListener("input", function (event) {
          if (event.isTrusted) document.dispatchEvent(new CustomEvent("espace:typing"));
        });
      }
    });
  }

  enhance(document);
  // Parts of the page swapped in by htmx (the inline edit form) get the same help.
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
