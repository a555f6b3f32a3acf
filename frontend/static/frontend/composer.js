/*
 * The message composer, enhanced: a rich editor over the plain textarea, "Répondre" without
 * leaving the page, a character count toward the 20 000 limit, "en train d'écrire" hints for
 * live.js to send, and @mention suggestions over the space's members.
 *
 * The editor (contenteditable) shows bold, italic, lists, links, quotes and mentions as they
 * will read, never their Markdown. Markdown stays the stored format: every change is written
 * back into the hidden textarea (turndown, vendored), so the form posts exactly what it posts
 * without JavaScript and every server path stays as it is. The editor starts from HTML the
 * server rendered with its own safe renderer (frontend/forms.py MarkdownTextarea): no Markdown
 * parser runs here, and a message opened and saved untouched keeps its stored text.
 *
 * Suggestions follow the ARIA "textbox with list autocomplete" pattern: the editor has
 * role=textbox with aria-autocomplete, aria-controls and aria-activedescendant pointing into a
 * role=listbox.
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
  var conv = readJSON("conversation-strings") || {};
  var MAX_CHARS = 20000;
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "fr-CA");
  var mac = /Mac|iPhone|iPad/.test(navigator.platform || "");

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

  // What the person types into: the editor when there is one, else the textarea.
  function surface(field) { return field && field._editor ? field._editor.node : field; }

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
    surface(composerForm.querySelector("textarea[name=body]")).focus();
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
          var box = field._editor ? field._editor.top : field;
          box.parentNode.insertBefore(error, box);
        }
        error.textContent = answer.data.message || strings.action_failed || "";
        surface(field).focus();
        return;
      }
      if (error) error.remove();
      if (field._editor) field._editor.clear(); else field.value = "";
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
  // Counted on the Markdown, as the server counts.
  function countChars(field, after) {
    var counter = el("p", "char-count");
    counter.setAttribute("aria-hidden", "true");
    // Spoken only when crossing a threshold, not at every key.
    var alert = el("p", "visually-hidden");
    alert.setAttribute("aria-live", "polite");
    after.parentNode.insertBefore(counter, after.nextSibling);
    after.parentNode.insertBefore(alert, counter.nextSibling);
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

  // --- Markdown out of the editor ----------------------------------------------------------
  // Only what would change how the text reads is escaped, so "mon_fichier" or "2 * 3" are
  // stored as typed (and read as typed in the plain textarea without JavaScript). Each piece
  // of text may start a line, so line-start syntax is escaped at its start too.
  function escapeText(text) {
    return text
      .replace(/\\(?=[!-\/:-@[-`{-~]|$)/g, "\\\\")
      .replace(/`/g, "\\`")
      .replace(/\*/g, function (star, at, all) {
        return /\s/.test(all.charAt(at - 1) || "x") && /\s/.test(all.charAt(at + 1) || "x") ? star : "\\*";
      })
      .replace(/_/g, function (line, at, all) {
        var before = all.charAt(at - 1);
        var after = all.charAt(at + 1);
        var word = /[\p{L}\p{N}]/u;
        // Inside a word, or alone between spaces, "_" cannot make emphasis.
        if ((word.test(before) && word.test(after)) || (/\s/.test(before) && /\s/.test(after))) return line;
        return "\\_";
      })
      .replace(/\](?=[([:]|$)/g, "\\]")
      .replace(/&(?=#?[A-Za-z0-9]+;)/g, "\\&")
      .replace(/(^|\n)([ \t]*)(#{1,6}(?=[ \t]|$)|>|[-+](?=[ \t]|$)|=+[ \t]*(?=\n|$)|-{2,}[ \t]*(?=\n|$)|~~~)/g, "$1$2\\$3")
      .replace(/(^|\n)([ \t]*\d{1,9})([.)])(?=[ \t]|$)/g, "$1$2\\$3");
  }

  function makeTurndown() {
    if (!window.TurndownService) return null;
    var service = new window.TurndownService({
      headingStyle: "atx", hr: "---", bulletListMarker: "-", codeBlockStyle: "fenced",
      emDelimiter: "*", strongDelimiter: "**", br: "",
    });
    service.escape = escapeText;
    service.addRule("mention", {
      filter: function (node) { return node.nodeName === "SPAN" && node.hasAttribute("data-name"); },
      replacement: function (content, node) {
        var name = node.getAttribute("data-name").replace(/[*|\n]/g, " ").trim();
        var id = node.getAttribute("data-mention");
        return "@**" + name + (id ? "|" + id : "") + "**";
      },
    });
    // An address shown as itself stays a bare address: the server makes it a link again.
    service.addRule("bareLink", {
      filter: function (node) {
        var href = node.nodeName === "A" && node.getAttribute("href");
        return !!href && (node.textContent === href || "mailto:" + node.textContent === href);
      },
      replacement: function (content) { return content; },
    });
    // "- item" and "1. item", as people type them, rather than turndown's wider "-   item".
    service.addRule("listItem", {
      filter: "li",
      replacement: function (content, node) {
        var parent = node.parentNode;
        var prefix = "- ";
        if (parent.nodeName === "OL") {
          var start = Number(parent.getAttribute("start") || 1);
          prefix = (start + Array.prototype.indexOf.call(parent.children, node)) + ". ";
        }
        var paragraph = /\n$/.test(content);
        content = content.replace(/^\n+/, "").replace(/\n+$/, "") + (paragraph ? "\n" : "");
        content = content.replace(/\n/g, "\n" + " ".repeat(prefix.length));
        return prefix + content + (node.nextSibling ? "\n" : "");
      },
    });
    return service;
  }

  var turndown = makeTurndown();

  var BLOCKS = /^(P|DIV|LI|BLOCKQUOTE|H[1-6]|PRE|UL|OL)$/;

  function toMarkdown(root) {
    var copy = root.cloneNode(true);
    // The browser keeps typed spaces visible with no-break spaces; they are plain spaces.
    var walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.data.indexOf("\u00a0") >= 0) node.data = node.data.replace(/\u00a0/g, " ");
    }
    // A block's last <br> only holds its line open in the editor.
    copy.querySelectorAll("br").forEach(function (br) {
      var parent = br.parentNode;
      if (!br.nextSibling && (parent === copy || BLOCKS.test(parent.nodeName))) parent.removeChild(br);
    });
    return turndown.turndown(copy);
  }

  // --- the rich editor --------------------------------------------------------------------
  var editorCount = 0;
  try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (e) { /* old browser */ }

  function richEditor(field) {
    if (!turndown) return null;
    var next = field.nextElementSibling;
    var source = next && next.matches("template[data-editor-source]") ? next : null;
    // Text the server did not render cannot be shown formatted: the plain textarea stays.
    if (!source && field.value.trim() !== "") return null;
    editorCount += 1;
    var holder = field.closest(".field") || field.parentNode;
    var node = el("div", "rich-editor");
    node.contentEditable = "true";
    node.setAttribute("role", "textbox");
    node.setAttribute("aria-multiline", "true");
    node.setAttribute("data-editor", "");
    node.spellcheck = true;
    // The label now names the editor; the textarea only carries the value.
    var id = field.id || "editor-" + editorCount;
    var label = field.id ? holder.querySelector('label[for="' + field.id + '"]') : null;
    field.id = id + "-markdown";
    node.id = id;
    if (label) {
      if (!label.id) label.id = id + "-label";
      node.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function (event) { event.preventDefault(); node.focus(); });
    } else {
      node.setAttribute("aria-label", field.getAttribute("aria-label") || "");
    }
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (field.hasAttribute(name)) node.setAttribute(name, field.getAttribute(name));
    });
    field.hidden = true;
    field.parentNode.insertBefore(node, field);

    var original = source ? source.getAttribute("data-editor-source") : "";
    if (source) node.appendChild(source.content.cloneNode(true));
    tidy(node);
    var initial = toMarkdown(node);
    field.value = original;

    function sync() {
      var markdown = toMarkdown(node);
      // Untouched, the stored text goes back as it was, whatever turndown would write.
      field.value = markdown === initial ? original : markdown;
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }

    node.addEventListener("input", sync);
    // Pasted or dropped text arrives as plain text: formatting is chosen here, not brought in.
    node.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data) return;
      event.preventDefault();
      insertPlain(data.getData("text/plain"));
    });
    node.addEventListener("drop", function (event) {
      var data = event.dataTransfer;
      if (!data) return;
      event.preventDefault();
      var text = data.getData("text/plain");
      if (!text) return;
      var range = document.caretRangeFromPoint && document.caretRangeFromPoint(event.clientX, event.clientY);
      if (range) { var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range); }
      insertPlain(text);
    });

    var api = {
      node: node,
      top: node,
      sync: sync,
      clear: function () {
        node.textContent = "";
        original = "";
        initial = "";
        field.value = "";
      },
      focusEnd: function () { focusEnd(node); },
    };
    field._editor = api;
    return api;
  }

  // Whitespace between the server's blocks is not text to edit.
  function tidy(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var empty = [];
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (/^\s*$/.test(node.data) && /\n/.test(node.data) && (node.parentNode === root || /^(UL|OL|BLOCKQUOTE)$/.test(node.parentNode.nodeName))) {
        empty.push(node);
      }
    }
    empty.forEach(function (node) { node.parentNode.removeChild(node); });
  }

  function focusEnd(node) {
    node.focus();
    var range = document.createRange();
    range.selectNodeContents(node);
    range.collapse(false);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function insertPlain(text) {
    String(text || "").replace(/\r\n?/g, "\n").split("\n").forEach(function (line, index) {
      if (index) document.execCommand("insertLineBreak");
      if (line) document.execCommand("insertText", false, line);
    });
  }

  function selectionIn(node) {
    var sel = window.getSelection();
    if (!sel.rangeCount || !node.contains(sel.anchorNode)) return null;
    return sel;
  }

  function ancestor(node, root, names) {
    for (var at = node; at && at !== root; at = at.parentNode) {
      if (at.nodeType === 1 && names.test(at.nodeName)) return at;
    }
    return null;
  }

  // --- @mentions ---------------------------------------------------------------------------
  var listCount = 0;

  function mentions(node) {
    listCount += 1;
    var listId = "mention-list-" + listCount;
    var list = el("ul", "mention-list");
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", strings.mention_list || "@");
    list.hidden = true;
    var hint = el("p", "visually-hidden");
    hint.setAttribute("aria-live", "polite");
    node.parentNode.insertBefore(list, node.nextSibling);
    node.parentNode.insertBefore(hint, list.nextSibling);
    node.setAttribute("aria-autocomplete", "list");
    node.setAttribute("aria-controls", listId);
    var matches = [];
    var active = -1;
    var typed = null;  // the text node and offsets of "@query" being typed

    function close() {
      list.hidden = true;
      list.textContent = "";
      node.removeAttribute("aria-activedescendant");
      matches = [];
      active = -1;
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) node.setAttribute("aria-activedescendant", listId + "-" + index);
    }

    // The person becomes a chip, one piece that Backspace removes whole, bound to their id
    // so that someone who later takes the same name is not the one named.
    function choose(index) {
      var person = matches[index];
      if (!person || !typed || !typed.text.parentNode) return;
      var range = document.createRange();
      range.setStart(typed.text, typed.start);
      range.setEnd(typed.text, Math.min(typed.end, typed.text.data.length));
      range.deleteContents();
      var chip = el("span", "mention-chip", "@" + person.name);
      chip.contentEditable = "false";
      chip.setAttribute("data-mention", String(person.id));
      chip.setAttribute("data-name", person.name);
      var space = document.createTextNode("\u00a0");
      range.insertNode(space);
      range.insertNode(chip);
      var sel = window.getSelection();
      var caret = document.createRange();
      caret.setStart(space, 1);
      caret.collapse(true);
      sel.removeAllRanges();
      sel.addRange(caret);
      close();
      node.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function suggest() {
      var sel = selectionIn(node);
      if (!sel || !sel.isCollapsed || sel.anchorNode.nodeType !== 3) { close(); return; }
      var text = sel.anchorNode;
      var upto = text.data.slice(0, sel.anchorOffset);
      var match = /(^|[\s(\u00a0])@([^\s@*\u00a0]{0,30})$/.exec(upto);
      if (!match) { close(); return; }
      typed = { text: text, start: upto.length - match[2].length - 1, end: sel.anchorOffset };
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

    node.addEventListener("input", function (event) {
      if (event.isTrusted || !list.hidden) suggest();
    });
    node.addEventListener("keydown", function (event) {
      if (list.hidden || !matches.length) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % matches.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + matches.length) % matches.length); }
      else if (event.key === "Enter" || event.key === "Tab") {
        if (active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    node.addEventListener("blur", function () { setTimeout(close, 150); });
    return { suggest: suggest };
  }

  // --- formatting toolbar -----------------------------------------------------------------
  var MOD = mac ? "⌘" : "Ctrl+";
  var ARIA_MOD = mac ? "Meta+" : "Control+";

  // [action, face, shortcut key, shift?, toggles?]
  var BUTTONS = [["bold", "B", "B", false, true], ["italic", "I", "I", false, true],
    ["list", "•", "8", true, true], ["link", "🔗", "K", false, false],
    ["quote", "❝", "9", true, true]];

  function toolbar(editor, mentioner) {
    var node = editor.node;
    var bar = el("div", "format-toolbar");
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", conv.toolbar || "");
    bar.setAttribute("aria-controls", node.id);
    var specs = BUTTONS.slice();
    if (mentioner) specs.push(["mention", "@", "", false, false]);
    var pressable = {};
    specs.forEach(function (spec, index) {
      var button = el("button", "format-button format-" + spec[0]);
      button.type = "button";
      button.setAttribute("data-format-action", spec[0]);
      var name = conv[spec[0]] || spec[0];
      button.setAttribute("aria-label", name);
      if (spec[2]) {
        button.title = name + " (" + MOD + (spec[3] ? (mac ? "⇧" : "Maj+") : "") + spec[2] + ")";
        button.setAttribute("aria-keyshortcuts", ARIA_MOD + (spec[3] ? "Shift+" : "") + spec[2]);
      } else {
        button.title = name;
      }
      if (spec[4]) { button.setAttribute("aria-pressed", "false"); pressable[spec[0]] = button; }
      var face = el("span", "", spec[1]);
      face.setAttribute("aria-hidden", "true");
      button.appendChild(face);
      // One tab stop for the whole toolbar; arrows move inside it (ARIA toolbar pattern).
      button.tabIndex = index === 0 ? 0 : -1;
      // The editor keeps its selection when a button is pressed with the mouse.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      bar.appendChild(button);
    });

    // The selection is kept while focus is on the toolbar or the link field.
    var saved = null;
    function save() {
      var sel = selectionIn(node);
      if (sel) saved = sel.getRangeAt(0).cloneRange();
    }
    function restore() {
      // A selection still in the editor is the current one; the saved copy may lag behind it
      // (selectionchange comes later than the keys), so it only serves after the link field.
      var live = selectionIn(node);
      node.focus();
      if (live || !saved) return;
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(saved);
    }
    function run(command, value) {
      restore();
      document.execCommand(command, false, value === undefined ? null : value);
      states();
    }

    function states() {
      var sel = selectionIn(node);
      if (!sel) return;
      var at = sel.anchorNode;
      var on = {
        bold: document.queryCommandState("bold"),
        italic: document.queryCommandState("italic"),
        list: !!ancestor(at, node, /^UL$/),
        quote: !!ancestor(at, node, /^BLOCKQUOTE$/),
      };
      Object.keys(pressable).forEach(function (name) {
        pressable[name].setAttribute("aria-pressed", on[name] ? "true" : "false");
      });
    }
    document.addEventListener("selectionchange", function () {
      if (selectionIn(node)) { save(); states(); }
    });

    // A quote is removed as a whole: its lines go back to plain paragraphs.
    function quote() {
      restore();
      var sel = selectionIn(node);
      var block = sel && ancestor(sel.anchorNode, node, /^BLOCKQUOTE$/);
      if (!block) { run("formatBlock", "blockquote"); return; }
      var range = sel.getRangeAt(0).cloneRange();
      while (block.firstChild) block.parentNode.insertBefore(block.firstChild, block);
      block.parentNode.removeChild(block);
      sel.removeAllRanges();
      sel.addRange(range);
      editor.sync();
      states();
    }

    // --- a link: the address is typed in a small field under the toolbar ------------------
    var panel = el("div", "link-panel");
    panel.hidden = true;
    var linkId = node.id + "-link";
    var linkLabel = el("label", "", conv.link_prompt || "");
    linkLabel.htmlFor = linkId;
    var input = el("input");
    input.type = "url";
    input.id = linkId;
    input.setAttribute("inputmode", "url");
    input.setAttribute("autocomplete", "url");
    var linkError = el("p", "errorlist");
    linkError.id = linkId + "-error";
    linkError.hidden = true;
    var apply = el("button", "button", conv.link_apply || "OK");
    apply.type = "button";
    var cancel = el("button", "button button-quiet", conv.link_cancel || "×");
    cancel.type = "button";
    var row = el("div", "link-panel-row");
    row.appendChild(input);
    row.appendChild(apply);
    row.appendChild(cancel);
    panel.appendChild(linkLabel);
    panel.appendChild(linkError);
    panel.appendChild(row);

    function currentLink() {
      var sel = selectionIn(node) || (saved ? { anchorNode: saved.startContainer } : null);
      return sel ? ancestor(sel.anchorNode, node, /^A$/) : null;
    }

    function openLink() {
      save();
      var link = currentLink();
      input.value = link ? link.getAttribute("href") : "";
      linkError.hidden = true;
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      panel.hidden = false;
      input.focus();
    }

    function closeLink() {
      panel.hidden = true;
      restore();
    }

    function address(text) {
      if (!text) return "";
      if (/^(https?:\/\/|mailto:)\S+$/i.test(text)) return text;
      if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(text)) return "mailto:" + text;
      if (/^[\w-]+(\.[\w-]+)+(:\d+)?([/?#]\S*)?$/.test(text)) return "https://" + text;
      return null;
    }

    function applyLink() {
      var href = address(input.value.trim());
      if (href === null) {
        linkError.textContent = conv.link_invalid || "";
        linkError.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", linkError.id);
        input.focus();
        return;
      }
      panel.hidden = true;
      restore();
      var link = currentLink();
      if (link) {
        if (href) link.setAttribute("href", href);
        else {
          var range = document.createRange();
          range.selectNodeContents(link);
          var sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          document.execCommand("unlink");
        }
        editor.sync();
      } else if (href) {
        var selection = window.getSelection();
        if (selection.isCollapsed) {
          // Nothing selected: the address itself becomes the link's words.
          document.execCommand("insertHTML", false, '<a href="' + href.replace(/[&"<>]/g, function (c) {
            return { "&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;" }[c];
          }) + '">' + href.replace(/[&<>]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;" }[c]; }) + "</a>");
        } else {
          document.execCommand("createLink", false, href);
        }
      }
      states();
    }

    apply.addEventListener("click", applyLink);
    cancel.addEventListener("click", closeLink);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); applyLink(); }
      else if (event.key === "Escape") { event.preventDefault(); closeLink(); }
    });

    var ACTIONS = {
      bold: function () { run("bold"); },
      italic: function () { run("italic"); },
      list: function () { run("insertUnorderedList"); },
      quote: quote,
      link: openLink,
      mention: function () {
        restore();
        var sel = selectionIn(node);
        var before = "";
        if (sel && sel.anchorNode.nodeType === 3) before = sel.anchorNode.data.slice(0, sel.anchorOffset);
        document.execCommand("insertText", false, before && !/\s$/.test(before) ? " @" : "@");
        mentioner.suggest();
      },
    };

    bar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-format-action]");
      if (button) ACTIONS[button.getAttribute("data-format-action")]();
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
    node.parentNode.insertBefore(bar, node);
    node.parentNode.insertBefore(panel, node);
    editor.top = bar;

    node.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      var key = event.key.toLowerCase();
      var action = null;
      if (!event.shiftKey) action = { b: "bold", i: "italic", k: "link" }[key] || null;
      else action = { Digit8: "list", Digit9: "quote" }[event.code] || null;
      // The browser's own underline has no Markdown: it would vanish on save.
      if (!event.shiftKey && key === "u") { event.preventDefault(); return; }
      if (!action) return;
      event.preventDefault();
      ACTIONS[action]();
    });
    node.addEventListener("focus", states);
  }

  // --- Enter sends (or makes a new line: the person's choice, remembered) -----------------
  var ENTER_KEY = "espace.enterSends";

  function enterSends() {
    try { return window.localStorage.getItem(ENTER_KEY) !== "0"; } catch (e) { return true; }
  }

  function sendKeys(field) {
    var form = field.form;
    var target = surface(field);
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
      target.focus();
    });
    show();
    target.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.defaultPrevented || event.isComposing) return;
      var modifier = event.ctrlKey || event.metaKey;
      var send = enterSends() ? (!event.shiftKey && !event.altKey) : modifier;
      if (!send) {
        if (!field._editor) return;
        // A new line in the editor is a line break, as in the textarea; in a list, the next
        // item (or, from an empty item, the end of the list).
        event.preventDefault();
        var sel = selectionIn(target);
        var item = sel && ancestor(sel.anchorNode, target, /^LI$/);
        document.execCommand(item ? "insertParagraph" : "insertLineBreak");
        return;
      }
      event.preventDefault();
      if (field.value.trim() === "") return;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    });
  }

  function enhance(root) {
    root.querySelectorAll("form textarea[name=body], textarea[data-format]").forEach(function (field) {
      if (field._enhanced) return;
      field._enhanced = true;
      // conversation.js may have focused the textarea of an edit form just swapped in.
      var hadFocus = document.activeElement === field;
      var editor = field.hasAttribute("data-format") ? richEditor(field) : null;
      var node = surface(field);
      var mentioner = null;
      if (field.name === "body") {
        countChars(field, node);
        if (members.length && editor) mentioner = mentions(node);
      }
      if (editor) toolbar(editor, mentioner);
      if (field.closest("[data-composer-form], .inline-edit")) sendKeys(field);
      if (field.closest("[data-composer-form]")) {
        node.addEventListener("input", function (event) {
          if (event.isTrusted) document.dispatchEvent(new CustomEvent("espace:typing"));
        });
      }
      if (hadFocus && editor) editor.focusEnd();
    });
  }

  enhance(document);
  // Parts of the page swapped in by htmx (the inline edit form) get the same help.
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
