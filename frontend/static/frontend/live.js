/*
 * Live updates for the space and thread pages (protocol: docs/realtime-protocol.md).
 *
 * The page works without this script; it only adds what others post meanwhile. The server
 * sends events of a space in seq order without gaps, so remembering the last seq seen is
 * enough to resume after a disconnect without losing or repeating anything.
 *
 * Loaded with <script src defer>: the Content-Security-Policy forbids inline code, so the
 * configuration and the translated sentences come from JSON blocks rendered by the template.
 */
(function () {
  "use strict";

  function readJSON(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  var config = readJSON("live-config");
  var strings = readJSON("live-strings") || {};
  if (!config || !config.space || !("WebSocket" in window)) return;

  var space = config.space;
  var threadId = config.thread ? Number(config.thread) : null;
  var me = config.me || { id: null, name: "", after: 0 };
  var PERSONAL = "@me";
  var PLACEHOLDER = "999999999";
  // Last seq applied per stream: the space's, and the person's own (read positions, mentions).
  var seqs = {};
  seqs[space] = Number(config.after) || 0;
  if (me.id !== null) seqs[PERSONAL] = Number(me.after) || 0;
  var socket = null;
  var attempt = 0;
  var retryTimer = null;
  var pingTimer = null;
  var stopped = false;

  var lang = document.documentElement.lang || "fr-ca";
  var locale = lang.indexOf("en") === 0 ? "en-CA" : "fr-CA";
  // Same shape as the server's dates ("15 janvier 2026, 14 h 05"), in the site's time zone.
  var dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "America/Toronto" });
  var timeFormat = new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone: "America/Toronto" });
  var plural = new Intl.PluralRules(locale);

  var region = document.querySelector("[data-live-region]");
  var statusNode = document.querySelector("[data-live-status]");
  var messageList = document.querySelector("[data-messages]");
  var threadList = document.querySelector("[data-thread-list]");

  // --- small helpers -----------------------------------------------------------------------
  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  // Like fill, but a value may be a DOM node (e.g. a <time>); text stays text.
  function fillNodes(parent, template, values) {
    String(template || "").split(/(\{\w+\})/).forEach(function (part) {
      var match = /^\{(\w+)\}$/.exec(part);
      var value = match ? values[match[1]] : undefined;
      if (value instanceof Node) parent.appendChild(value);
      else if (value !== undefined) parent.appendChild(document.createTextNode(String(value)));
      else if (part) parent.appendChild(document.createTextNode(part));
    });
    return parent;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function timeNode(iso) {
    var moment = new Date(iso);
    var node = el("time", "", dateFormat.format(moment) + ", " + timeFormat.format(moment));
    node.setAttribute("datetime", iso);
    return node;
  }

  function countText(n) {
    var key = plural.select(n) === "one" ? "messages_count_one" : "messages_count_many";
    return fill(strings[key], { n: n });
  }

  // Mirrored to sessionStorage so the position is visible to other scripts of the tab (and
  // to tests); resuming always uses the in-memory value, which matches what this page shows.
  function remember(stream, seq) {
    seqs[stream] = seq;
    var key = "espace-collaboratif:last-seq:" + (stream === PERSONAL ? "@me" : stream);
    try { sessionStorage.setItem(key, String(seq)); } catch (e) { /* private mode */ }
  }

  function setStatus(text, problem) {
    if (!statusNode) return;
    statusNode.textContent = text;
    statusNode.classList.toggle("is-problem", !!problem);
  }

  function announce(text) {
    if (!region) return;
    var item = el(region.tagName === "UL" ? "li" : "p", "", text);
    if (region.tagName === "UL") region.insertBefore(item, region.firstChild);
    else region.appendChild(item);
    while (region.children.length > 15) {
      region.removeChild(region.tagName === "UL" ? region.lastElementChild : region.firstElementChild);
    }
  }

  // --- messages of a thread ----------------------------------------------------------------
  var template = document.getElementById("message-template");
  var threadPage = document.querySelector("[data-thread-page]");

  function slot(root, name) {
    return root.querySelector('[data-slot="' + name + '"]');
  }

  // As the server does for rendered pages: message headings sit below the page's (h1 → h3).
  function demoteHeadings(container) {
    container.querySelectorAll("h1, h2, h3, h4, h5, h6").forEach(function (heading) {
      var level = Math.min(6, Number(heading.tagName.charAt(1)) + 2);
      var replacement = document.createElement("h" + level);
      while (heading.firstChild) replacement.appendChild(heading.firstChild);
      heading.parentNode.replaceChild(replacement, heading);
    });
  }

  function setBody(item, html) {
    var body = slot(item, "body");
    // Sanitised by the server with an allowlist (communities.markdown) when it was written;
    // the page's Content-Security-Policy also forbids inline scripts and handlers.
    body.innerHTML = html;
    demoteHeadings(body);
  }

  function tombstone() {
    var text = el("p", "tombstone", strings.tombstone);
    return text;
  }

  // Same rule as the server's quote (communities.serializers.quote_of).
  function excerptOf(text) {
    var flat = String(text || "").split(/\s+/).join(" ").trim();
    return flat.length > 140 ? flat.slice(0, 140) + "…" : flat;
  }

  function withId(root, id) {
    [root].concat(Array.prototype.slice.call(root.querySelectorAll("*"))).forEach(function (node) {
      ["id", "href", "action", "aria-labelledby", "aria-describedby", "data-reply", "data-message-id"].forEach(function (name) {
        var value = node.getAttribute(name);
        if (value && value.indexOf(PLACEHOLDER) !== -1) node.setAttribute(name, value.split(PLACEHOLDER).join(String(id)));
      });
    });
  }

  function buildMessage(message) {
    var item = template.content.querySelector("li").cloneNode(true);
    withId(item, message.id);
    item.classList.add("is-new");
    item.setAttribute("data-author-id", String(message.author.id));
    var name = message.author.display_name || "";
    slot(item, "avatar").textContent = name.charAt(0).toUpperCase();
    slot(item, "author").textContent = name;
    slot(item, "organisation").textContent = message.author.organisation ? " · " + message.author.organisation : "";
    var time = slot(item, "time");
    time.textContent = "";
    time.appendChild(timeNode(message.created_at));
    var quote = slot(item, "quote");
    if (message.reply_to) {
      quote.setAttribute("data-quote-of", String(message.reply_to.id));
      slot(quote, "quote-link").setAttribute("href", "#message-" + message.reply_to.id);
      slot(quote, "quote-author").textContent = message.reply_to.author;
      var excerpt = slot(quote, "quote-excerpt");
      if (message.reply_to.deleted) excerpt.appendChild(el("em", "", strings.tombstone));
      else excerpt.textContent = message.reply_to.excerpt;
      quote.hidden = false;
    } else {
      quote.remove();
    }
    setBody(item, message.html);
    fillCards(item, message.attachments || []);
    var mine = message.author.id === me.id;
    if (!mine) slot(item, "edit").remove();
    if (!mine && !config.moderator) slot(item, "delete").remove();
    return item;
  }

  function appendMessage(message) {
    if (!messageList || !template || document.getElementById("message-" + message.id)) return false;
    // A page that stops before the end of the thread must not grow a gap: the newer
    // messages are behind the "Messages suivants" link.
    if (messageList.hasAttribute("data-not-at-end")) return false;
    messageList.appendChild(buildMessage(message));
    return true;
  }

  function quotesOf(id) {
    return document.querySelectorAll('[data-quote-of="' + id + '"] [data-slot="quote-excerpt"]');
  }

  function applyEdit(message) {
    var item = document.getElementById("message-" + message.id);
    if (!item || message.deleted) return;
    setBody(item, message.html);
    var edited = slot(item, "edited");
    if (edited) edited.hidden = !message.edited_at;
    quotesOf(message.id).forEach(function (node) { node.textContent = excerptOf(message.body); });
  }

  function applyDelete(message) {
    var item = document.getElementById("message-" + message.id);
    quotesOf(message.id).forEach(function (node) {
      node.textContent = "";
      node.appendChild(el("em", "", strings.tombstone));
    });
    if (!item) return;
    item.classList.add("is-deleted");
    var body = slot(item, "body");
    body.textContent = "";
    body.appendChild(tombstone());
    ["edited", "foot"].forEach(function (name) {
      var node = slot(item, name);
      // Keep focus somewhere sensible if it was on a control that disappears.
      if (node && node.contains(document.activeElement)) body.setAttribute("tabindex", "-1");
      if (node) node.hidden = true;
    });
    var reactions = slot(item, "reactions");
    if (reactions) reactions.textContent = "";
  }

  // --- reactions ---------------------------------------------------------------------------
  function labelChip(button, emoji, people) {
    var names = people.map(function (p) { return p[1]; }).join(", ");
    var label = fill(strings.reaction_label, { emoji: emoji, n: people.length, names: names });
    button.setAttribute("aria-label", label);
    button.setAttribute("title", label);
    button.setAttribute("aria-pressed", people.some(function (p) { return p[0] === me.id; }) ? "true" : "false");
    button.setAttribute("data-people", JSON.stringify(people));
    button.querySelector(".reaction-count").textContent = String(people.length);
  }

  function newChip(emoji) {
    var item = el("li");
    var button = el("button", "reaction");
    button.type = "submit";
    button.name = "emoji";
    button.value = emoji;
    var icon = el("span", "", emoji);
    icon.setAttribute("aria-hidden", "true");
    var count = el("span", "reaction-count");
    count.setAttribute("aria-hidden", "true");
    button.appendChild(icon);
    button.appendChild(document.createTextNode(" "));
    button.appendChild(count);
    item.appendChild(button);
    return item;
  }

  function applyReaction(data, added) {
    var item = document.getElementById("message-" + data.message);
    var list = item && slot(item, "reactions");
    if (!list) return;
    var button = Array.prototype.find.call(list.querySelectorAll("button.reaction"),
      function (b) { return b.value === data.emoji; });
    var people = button ? JSON.parse(button.getAttribute("data-people") || "[]") : [];
    people = people.filter(function (p) { return p[0] !== data.user.id; });
    if (added) people.push([data.user.id, data.user.display_name]);
    if (!people.length) {
      if (button) {
        var hadFocus = button === document.activeElement;
        button.parentNode.remove();
        if (hadFocus) { var summary = item.querySelector(".reaction-picker summary"); if (summary) summary.focus(); }
      }
      return;
    }
    if (!button) {
      var chip = newChip(data.emoji);
      list.appendChild(chip);
      button = chip.querySelector("button");
    }
    labelChip(button, data.emoji, people);
  }

  // --- the thread itself -------------------------------------------------------------------
  function setFlag(root, name, on) {
    var flag = root.querySelector('[data-flag="' + name + '"]');
    if (flag) flag.hidden = !on;
  }

  function composerIsEmpty() {
    var field = document.querySelector("[data-composer-form] textarea");
    return !field || field.value.trim() === "";
  }

  function applyThread(thread) {
    if (threadId === thread.id && threadPage) {
      var title = document.querySelector("[data-thread-title]");
      if (title) title.textContent = thread.title;
      var crumb = document.querySelector('.breadcrumbs [aria-current="page"]');
      if (crumb) crumb.textContent = thread.title;
      setFlag(threadPage, "pinned", thread.pinned);
      setFlag(threadPage, "locked", thread.locked);
      threadPage.classList.toggle("is-locked", thread.locked);
      var notice = document.querySelector("[data-locked-notice]");
      if (notice) notice.hidden = !thread.locked;
      var composer = document.querySelector("[data-composer]");
      // A text being typed stays visible: the server will explain why it cannot be posted.
      if (composer && (!thread.locked || composerIsEmpty())) composer.hidden = thread.locked;
    }
    var item = threadList && document.getElementById("thread-" + thread.id);
    if (!item) return;
    var link = item.querySelector("[data-thread-link]");
    if (link) link.textContent = thread.title;
    setFlag(item, "pinned", thread.pinned);
    setFlag(item, "locked", thread.locked);
    item.classList.toggle("is-pinned", thread.pinned);
    item.setAttribute("data-pinned", thread.pinned ? "1" : "0");
    sortThreads();
  }

  // --- the space's thread list -------------------------------------------------------------
  function threadUrl(id, slug) {
    var url = slug ? String(config.any_thread_url || "").replace("__space__", slug) : String(config.thread_url || "");
    return url.replace(PLACEHOLDER, String(id));
  }

  function unreadText(n) {
    return fill(strings[plural.select(n) === "one" ? "unread_one" : "unread_many"], { n: n });
  }

  function setUnread(item, n) {
    var badge = item && item.querySelector("[data-unread]");
    if (!badge) return;
    badge.setAttribute("data-unread", String(n));
    badge.textContent = unreadText(n);
    badge.hidden = n <= 0;
  }

  function threadItem(thread) {
    var item = document.getElementById("thread-" + thread.id);
    if (item) return item;
    item = el("li", "card thread-item");
    item.id = "thread-" + thread.id;
    item.setAttribute("data-thread-id", String(thread.id));
    item.setAttribute("data-pinned", thread.pinned ? "1" : "0");
    var top = el("div", "thread-item-head");
    var heading = el("h3");
    var link = el("a", "", thread.title);
    link.href = threadUrl(thread.id);
    link.setAttribute("data-thread-link", "");
    heading.appendChild(link);
    var badge = el("span", "badge badge-unread");
    badge.setAttribute("data-unread", "0");
    badge.hidden = true;
    top.appendChild(heading);
    top.appendChild(badge);
    var meta = el("p", "meta");
    meta.appendChild(el("span", "", fill(strings.by, { name: thread.author.display_name })));
    var count = el("span");
    count.setAttribute("data-count", "");
    meta.appendChild(count);
    var activity = el("span");
    activity.setAttribute("data-activity", "");
    meta.appendChild(activity);
    item.appendChild(top);
    item.appendChild(meta);
    return item;
  }

  // Pinned first, then most recently active, as the server orders them. Moving the element
  // that has focus would blur it, so focus is put back where it was.
  function sortThreads() {
    if (!threadList) return;
    var focused = document.activeElement;
    var items = Array.prototype.filter.call(threadList.children, function (li) { return li.hasAttribute("data-thread-id"); });
    items.sort(function (a, b) {
      var pinned = Number(b.getAttribute("data-pinned")) - Number(a.getAttribute("data-pinned"));
      if (pinned) return pinned;
      return Date.parse(b.getAttribute("data-activity-at") || 0) - Date.parse(a.getAttribute("data-activity-at") || 0);
    });
    items.forEach(function (li, index) {
      if (threadList.children[index] !== li) threadList.insertBefore(li, threadList.children[index] || null);
    });
    if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus({ preventScroll: true });
  }

  function bumpThread(thread, fromOther) {
    if (!threadList) return;
    var item = threadItem(thread);
    var count = item.querySelector("[data-count]");
    if (count && thread.message_count !== undefined) count.textContent = countText(thread.message_count);
    var activity = item.querySelector("[data-activity]");
    if (activity && thread.last_activity_at) {
      activity.textContent = "";
      fillNodes(activity, strings.last_activity, { date: timeNode(thread.last_activity_at) });
      item.setAttribute("data-activity-at", thread.last_activity_at);
    }
    if (fromOther) setUnread(item, Number(item.querySelector("[data-unread]").getAttribute("data-unread")) + 1);
    var empty = threadList.querySelector("[data-empty]");
    if (empty) empty.remove();
    item.classList.add("is-new");
    if (!item.parentNode) threadList.insertBefore(item, threadList.firstChild);
    sortThreads();
  }

  // --- who is online, who is typing --------------------------------------------------------
  var onlineList = document.querySelector("[data-online]");
  var onlineEmpty = document.querySelector("[data-online-empty]");

  function showOnline(people) {
    if (!onlineList) return;
    onlineList.textContent = "";
    people.forEach(function (person) {
      var item = el("li", "online-person");
      var dot = el("span", "online-dot");
      dot.setAttribute("aria-hidden", "true");
      item.appendChild(dot);
      item.appendChild(document.createTextNode(person.display_name));
      if (person.id === me.id) item.appendChild(el("span", "muted", " (" + strings.you + ")"));
      onlineList.appendChild(item);
    });
    if (onlineEmpty) {
      var others = people.filter(function (p) { return p.id !== me.id; }).length;
      onlineEmpty.textContent = others ? "" : strings.nobody_online;
      onlineEmpty.hidden = others > 0;
    }
  }

  var typingNode = document.querySelector("[data-typing]");
  var typers = {};

  function showTypers() {
    if (!typingNode) return;
    var names = Object.keys(typers).map(function (id) { return typers[id].name; });
    typingNode.hidden = names.length === 0;
    if (names.length === 1) typingNode.textContent = fill(strings.typing_one, { name: names[0] });
    else if (names.length === 2) typingNode.textContent = fill(strings.typing_two, { first: names[0], second: names[1] });
    else typingNode.textContent = names.length ? strings.typing_many : "";
  }

  function stopTyping(id) {
    if (!typers[id]) return;
    clearTimeout(typers[id].timer);
    delete typers[id];
    showTypers();
  }

  function onTyping(frame) {
    if (threadId === null || frame.thread !== threadId || !frame.user || frame.user.id === me.id) return;
    var id = frame.user.id;
    if (typers[id]) clearTimeout(typers[id].timer);
    // The sender repeats at most every 2 s while typing: 5 s of silence means they stopped.
    typers[id] = { name: frame.user.display_name, timer: setTimeout(function () { stopTyping(id); }, 5000) };
    showTypers();
  }

  var lastTypingSent = 0;
  // Typing right after the page loads happens before the space subscription is confirmed; the
  // server would refuse the hint, and the 2 s throttle would then swallow the next keystrokes.
  var spaceLive = false;
  var typedWhileOffline = 0;

  function sendTyping() {
    lastTypingSent = Date.now();
    typedWhileOffline = 0;
    send({ type: "typing", space: space, thread: threadId });
  }

  function onSpaceLive() {
    spaceLive = true;
    if (typedWhileOffline && Date.now() - typedWhileOffline < 5000) sendTyping();
  }

  document.addEventListener("espace:typing", function () {
    var now = Date.now();
    if (threadId === null) return;
    if (!spaceLive) { typedWhileOffline = now; return; }
    if (now - lastTypingSent < 2000) return;
    sendTyping();
  });

  // --- small actions sent with fetch; their effect comes back as events --------------------
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, fields) {
    var body = new URLSearchParams(fields);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.ok) return "done";
      if (stopped) return "refused";
      var outcome = response.status >= 500 || response.status === 429 ? "later" : "refused";
      return response.json().then(function (data) { setStatus(data.message, true); return outcome; },
        function () { setStatus(strings.action_failed, true); return outcome; });
    }, function () {
      if (!stopped) setStatus(strings.action_failed, true);
      return "later";
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("[data-react-form]");
    // The result only shows when its event comes back over the subscription: until the server
    // has confirmed it (an open socket is not enough), the page reloads the classic way.
    if (!form || !spaceLive || !event.submitter) return;
    event.preventDefault();
    post(form.action, { emoji: event.submitter.value });
    var picker = form.querySelector("details[open]");
    if (picker) {
      picker.open = false;
      if (form.contains(document.activeElement) || document.activeElement === document.body) picker.querySelector("summary").focus();
    }
  });

  // Messages that arrive while the page is in view are read; tell the server (and so the
  // person's other devices) shortly after, once for a burst.
  var unreadUpTo = 0;
  var readTimer = null;
  var readFailures = 0;

  function markRead(id, delay) {
    if (!config.read_url) return;
    unreadUpTo = Math.max(unreadUpTo, id);
    if (document.visibilityState !== "visible") return;
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      var sending = unreadUpTo;
      unreadUpTo = 0;
      if (!sending) return;
      post(config.read_url, { up_to: String(sending) }).then(function (outcome) {
        // Access ended or the page is out of date: its status line says so; no more reports.
        if (stopped) return;
        if (outcome === "done") {
          if (readFailures && spaceLive) setStatus(strings.connected);
          readFailures = 0;
          return;
        }
        // A network failure or a busy server: the position is kept and sent again (5, 10, 20 s,
        // then every 30 s) so the person's other devices still learn what was read.
        if (outcome === "later") {
          readFailures += 1;
          markRead(sending, Math.min(30000, 5000 * Math.pow(2, readFailures - 1)));
        }
      });
    }, delay || 800);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && unreadUpTo) markRead(unreadUpTo);
  });

  // --- notices -----------------------------------------------------------------------------
  var notices = document.querySelector("[data-notices]");

  function notify(text, href) {
    announce(text);
    if (!notices) return;
    var item = el("p", "notice mention-notice");
    item.appendChild(document.createTextNode(text + " "));
    if (href) {
      var link = el("a", "", strings.see_message);
      link.href = href;
      item.appendChild(link);
    }
    notices.insertBefore(item, notices.firstChild);
    while (notices.children.length > 3) notices.removeChild(notices.lastElementChild);
  }

  function roleName(role) {
    return strings["role_" + role] || role;
  }

  function onSpacePage() { return threadId === null; }


  // --- documents: the folder browser and the cards of attached documents -------------------
  // Same markup as the server's (documents/includes/card.html, documents/browser.html).
  var folderId = config.folder === null || config.folder === undefined ? null : Number(config.folder);
  var documentRows = document.querySelector("[data-document-rows]");
  var folderRows = document.querySelector("[data-folder-rows]");
  var typeNames = readJSON("document-types") || {};
  var sizeUnits = String(strings.size_units || "o,ko,Mo,Go,To").split(",");
  var sizeFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });

  function urlFor(name, id) {
    return String(config[name] || "").split(PLACEHOLDER).join(String(id));
  }

  // As the server's filesize filter: binary multiples, "1,5 Mo".
  function sizeText(size) {
    var value = Number(size) || 0;
    var unit = 0;
    while (value >= 1024 && unit < sizeUnits.length - 1) { value /= 1024; unit += 1; }
    return (unit ? sizeFormat.format(Math.round(value * 10) / 10) : String(value)) + "\u00a0" + sizeUnits[unit];
  }

  function cardMeta(card) {
    return (typeNames[card.content_type] || card.content_type) + ", " + sizeText(card.size);
  }

  function cardNode(card) {
    var item = el("li", "attachment-card");
    if (card.id) item.setAttribute("data-document-card", String(card.id));
    renderCard(item, card);
    return item;
  }

  function renderCard(item, card) {
    item.textContent = "";
    item.classList.toggle("is-deleted", !!card.deleted);
    if (card.deleted) { item.appendChild(el("span", "attachment-gone", strings.document_gone)); return; }
    var icon = el("span", "attachment-icon", "📄");
    icon.setAttribute("aria-hidden", "true");
    var title = el("a", "attachment-title", card.title);
    title.href = card.url;
    title.setAttribute("data-slot", "card-title");
    var download = el("a", "attachment-download", strings.download);
    download.href = card.download_url;
    download.setAttribute("download", "");
    download.appendChild(el("span", "visually-hidden", " " + card.title));
    [icon, title, el("span", "muted", cardMeta(card)), download].forEach(function (part, index) {
      if (index) item.appendChild(document.createTextNode(" "));
      item.appendChild(part);
    });
  }

  function fillCards(item, cards) {
    var list = slot(item, "attachments");
    if (!list) return;
    list.textContent = "";
    cards.forEach(function (card) { list.appendChild(cardNode(card)); });
    list.hidden = cards.length === 0;
  }

  // A document event: every card of it on the page shows what it now is (a trashed one only
  // that it is gone).
  function updateCards(doc, purged) {
    document.querySelectorAll('[data-document-card="' + doc.id + '"]').forEach(function (item) {
      var version = doc.version || { content_type: "", size: 0 };
      renderCard(item, purged || doc.deleted ? { deleted: true } : {
        id: doc.id, title: doc.title, content_type: version.content_type, size: version.size,
        url: urlFor("document_url", doc.id), download_url: urlFor("download_url", doc.id)
      });
      if (purged) item.removeAttribute("data-document-card");
    });
  }

  function cell(row, text) {
    var node = el("td", "", text);
    row.appendChild(node);
    return node;
  }

  function dayNode(iso) {
    var node = el("time", "", dateFormat.format(new Date(iso)));
    node.setAttribute("datetime", iso.slice(0, 10));
    return node;
  }

  function showEmpty() {
    var empty = document.querySelector("[data-empty]");
    if (empty) empty.hidden = !!(documentRows.children.length || folderRows.children.length);
  }

  function removeRow(id) {
    var row = document.getElementById(id);
    if (!row) return;
    // Focus must not vanish with the row: it goes to the table's heading cell.
    if (row.contains(document.activeElement)) {
      var heading = document.querySelector("[data-folder-browser] thead th");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
    row.remove();
    showEmpty();
  }

  function sortedInsert(body, row, key) {
    var after = Array.prototype.find.call(body.children, function (other) {
      return other.getAttribute("data-sort").localeCompare(key, locale) > 0;
    });
    body.insertBefore(row, after || null);
  }

  function documentRow(doc) {
    var row = document.getElementById("document-" + doc.id) || el("tr", "is-new");
    row.id = "document-" + doc.id;
    row.setAttribute("data-document-id", String(doc.id));
    row.setAttribute("data-sort", doc.title.toLowerCase());
    row.textContent = "";
    var heading = el("th");
    heading.setAttribute("scope", "row");
    var link = el("a", "", doc.title);
    link.href = urlFor("document_url", doc.id);
    link.setAttribute("data-slot", "title");
    heading.appendChild(link);
    row.appendChild(heading);
    var version = doc.version || { content_type: "", size: 0, created_at: doc.created_at };
    cell(row, typeNames[version.content_type] || version.content_type);
    cell(row, sizeText(version.size));
    cell(row, doc.uploader ? doc.uploader.display_name : "");
    cell(row, "").appendChild(dayNode(version.created_at));
    return row;
  }

  function showDocument(doc, announceIt) {
    if (!documentRows) return;
    var here = !doc.deleted && (doc.folder || 0) === folderId;
    if (!here) {
      var old = document.getElementById("document-" + doc.id);
      if (old) { removeRow(old.id); announce(fill(strings.document_removed, { title: doc.title })); }
      return;
    }
    var known = document.getElementById("document-" + doc.id);
    var row = documentRow(doc);
    if (!known || known.getAttribute("data-sort") !== row.getAttribute("data-sort")) {
      sortedInsert(documentRows, row, row.getAttribute("data-sort"));
    }
    showEmpty();
    if (announceIt && !known) announce(fill(strings.document_added, { title: doc.title }));
  }

  function showFolder(folder, announceIt) {
    var crumb = document.querySelector('[data-folder-crumb="' + folder.id + '"]');
    if (crumb) crumb.textContent = folder.name;
    if (folder.id === folderId) {
      var title = document.querySelector("[data-folder-title]");
      if (title) title.textContent = folder.name;
    }
    if (!folderRows) return;
    if ((folder.parent || 0) !== folderId) { removeRow("folder-" + folder.id); return; }
    var known = document.getElementById("folder-" + folder.id);
    var row = known || el("tr", "is-new");
    row.id = "folder-" + folder.id;
    row.setAttribute("data-folder-id", String(folder.id));
    row.setAttribute("data-sort", folder.name.toLowerCase());
    row.textContent = "";
    var heading = el("th");
    heading.setAttribute("scope", "row");
    var link = el("a", "");
    link.href = urlFor("folder_url", folder.id);
    var icon = el("span", "", "📁 ");
    icon.setAttribute("aria-hidden", "true");
    link.appendChild(icon);
    link.appendChild(document.createTextNode(folder.name));
    heading.appendChild(link);
    row.appendChild(heading);
    cell(row, strings.folder_kind);
    cell(row, "");
    cell(row, "");
    cell(row, "").appendChild(dayNode(folder.created_at));
    sortedInsert(folderRows, row, row.getAttribute("data-sort"));
    showEmpty();
    if (announceIt && !known) announce(fill(strings.folder_added, { name: folder.name }));
  }

  function onDocument(data, kind) {
    var purged = kind === "document.purged";
    updateCards(data.document, purged);
    if (purged) { removeRow("document-" + data.document.id); return; }
    showDocument(data.document, kind === "document.created" || kind === "document.restored" || kind === "document.moved");
  }

  if (documentRows) {
    // The rows the server rendered sort the same way as the ones added here.
    Array.prototype.forEach.call(document.querySelectorAll("[data-document-rows] tr, [data-folder-rows] tr"), function (row) {
      var link = row.querySelector("th a");
      row.setAttribute("data-sort", (link ? link.textContent : "").replace("📁 ", "").trim().toLowerCase());
    });
  }

  var handlers = {
    "message.created": function (data) {
      var message = data.message;
      var name = message.author.display_name;
      var fromOther = message.author.id !== me.id;
      if (!onSpacePage()) {
        if (message.thread !== threadId) return;
        stopTyping(message.author.id);
        if (appendMessage(message)) {
          if (fromOther) announce(fill(strings.new_message, { name: name }));
          markRead(message.id);
        }
        return;
      }
      bumpThread(data.thread, fromOther);
      if (fromOther) announce(fill(strings.new_message_in, { name: name, title: data.thread.title }));
    },
    "message.edited": function (data) { applyEdit(data.message); },
    "message.deleted": function (data) { applyDelete(data.message); },
    "reaction.added": function (data) { applyReaction(data, true); },
    "reaction.removed": function (data) { applyReaction(data, false); },
    "thread.created": function (data) {
      if (!onSpacePage()) return;
      var fromOther = data.thread.author.id !== me.id;
      bumpThread(data.thread, fromOther);
      if (fromOther) {
        announce(fill(strings.new_thread, { title: data.thread.title, name: data.thread.author.display_name }));
      }
    },
    "thread.updated": function (data) {
      applyThread(data.thread);
      if (data.thread.id === threadId) announce(fill(strings.thread_renamed, { title: data.thread.title }));
    },
    "thread.pinned": function (data) {
      applyThread(data.thread);
      if (onSpacePage()) announce(fill(strings[data.thread.pinned ? "thread_pinned" : "thread_unpinned"], { title: data.thread.title }));
    },
    "thread.locked": function (data) {
      applyThread(data.thread);
      if (onSpacePage() || data.thread.id === threadId) {
        announce(fill(strings[data.thread.locked ? "thread_locked" : "thread_unlocked"], { title: data.thread.title }));
      }
    },
    "member.joined": function (data) {
      if (onSpacePage()) announce(fill(strings.member_joined, { name: data.member.display_name }));
    },
    "member.left": function (data) {
      if (onSpacePage()) announce(fill(strings.member_left, { name: data.member.display_name }));
    },
    "member.removed": function (data) {
      if (onSpacePage()) announce(fill(strings.member_removed, { name: data.member.display_name }));
    },
    "member.role_changed": function (data) {
      if (onSpacePage()) {
        announce(fill(strings.role_changed, { name: data.member.display_name, role: roleName(data.role) }));
      }
    },
    // Nothing on these pages shows spaces or pending invitations; listed so that every kind
    // of communities/events.py has a deliberate answer here.
    "space.created": function () {},
    "invitation.sent": function () {},
    "document.created": function (data) { onDocument(data, "document.created"); },
    "document.version_added": function (data) { onDocument(data, "document.version_added"); },
    "document.version_restored": function (data) { onDocument(data, "document.version_restored"); },
    "document.renamed": function (data) { onDocument(data, "document.renamed"); },
    "document.described": function (data) { onDocument(data, "document.described"); },
    "document.moved": function (data) { onDocument(data, "document.moved"); },
    "document.deleted": function (data) { onDocument(data, "document.deleted"); },
    "document.restored": function (data) { onDocument(data, "document.restored"); },
    "document.purged": function (data) { onDocument(data, "document.purged"); },
    "folder.created": function (data) { showFolder(data.folder, true); },
    "folder.renamed": function (data) { showFolder(data.folder, false); },
    "folder.moved": function (data) { showFolder(data.folder, false); },
    "folder.deleted": function (data) { removeRow("folder-" + data.folder.id); },
    // Who may upload changed: the page's upload form is the server's to show or hide, on
    // the next load; nothing shown here depends on it.
    "document_settings.changed": function () {}
  };

  var personalHandlers = {
    // The server also ends the stream (error frame or close); this says why at once.
    "membership.ended": function (data) {
      if (data.space === space) stop(strings.access_ended);
    },
    "account.deactivated": function () { stop(strings.access_ended); },
    "read.updated": function (data) {
      if (data.space === space) setUnread(document.getElementById("thread-" + data.thread), data.unread);
    },
    "mention.created": function (data) {
      var key = data.everyone ? "mentioned_all" : "mentioned";
      notify(fill(strings[key], { name: data.by.display_name, title: data.thread.title }),
        threadUrl(data.thread.id, data.space) + "#message-" + data.message);
    }
  };

  // Pages that show more than threads (meetings, ...) bring their own handlers in scripts
  // loaded before this one: window.espaceLiveHandlers = [{ "kind": function (data) {} }, ...].
  (window.espaceLiveHandlers || []).forEach(function (extra) {
    Object.keys(extra).forEach(function (kind) { handlers[kind] = extra[kind]; });
  });

  // --- resync: the log cannot fill the gap, so the page itself must be refreshed ------------
  function hasUnsavedText() {
    return Array.prototype.some.call(document.querySelectorAll("textarea, input[type=text]"),
      function (field) { return field.value.trim() !== ""; });
  }

  function offerReload() {
    if (!hasUnsavedText()) { window.location.reload(); return; }
    // Reloading now would throw away what the person is typing: let them choose when.
    if (!statusNode || statusNode.querySelector("button")) return;
    setStatus(strings.resync + " ");
    var button = el("button", "button button-quiet", strings.reload);
    button.type = "button";
    button.addEventListener("click", function () { window.location.reload(); });
    statusNode.appendChild(button);
  }

  // --- connection --------------------------------------------------------------------------
  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function subscribe(stream) {
    send({ type: "subscribe", space: stream, after: seqs[stream] });
  }

  function onEvent(frame) {
    var stream = frame.space;
    if (!Object.prototype.hasOwnProperty.call(seqs, stream) || frame.seq <= seqs[stream]) return;
    var table = stream === PERSONAL ? personalHandlers : handlers;
    try {
      if (table[frame.kind]) table[frame.kind](frame.data || {});
    } finally {
      remember(stream, frame.seq);
    }
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "subscribed":
        if (frame.space === space) { attempt = 0; setStatus(strings.connected); onSpaceLive(); }
        break;
      case "event":
        onEvent(frame);
        break;
      case "presence":
        if (frame.space === space) showOnline(frame.online || []);
        break;
      case "typing":
        if (frame.space === space) onTyping(frame);
        break;
      case "resync":
        // The server has dropped the subscription: until it confirms a new one it refuses
        // typing hints, and its error would replace the "reload" offer on the status line.
        if (frame.space === space) spaceLive = false;
        if (frame.reason === "too_slow") subscribe(frame.space);  // the log still holds what we missed
        else if (frame.space === PERSONAL) { remember(PERSONAL, frame.head || 0); subscribe(PERSONAL); }
        else offerReload();
        break;
      case "error":
        if (frame.code === "forbidden" && frame.space === space) {
          stop(frame.message || strings.access_ended);
        } else if (frame.code === "not_found" && frame.space === space) {
          // This page was served to a member, so the space exists: access ended while we
          // were disconnected (the server answers non-members as it answers unknown slugs).
          stop(strings.access_ended);
        } else if (frame.code === "unauthenticated") {
          stop(frame.message);
        } else {
          setStatus(frame.message, true);
        }
        break;
      default:
        break;  // pong and future frame types need nothing
    }
  }

  function stop(text) {
    stopped = true;
    setStatus(text, true);
    if (socket) socket.close();
  }

  function connect() {
    if (stopped) return;
    clearTimeout(retryTimer);
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var current = new WebSocket(scheme + "//" + window.location.host + "/ws/");
    socket = current;
    current.addEventListener("open", function () {
      Object.keys(seqs).forEach(subscribe);
      clearInterval(pingTimer);
      // Keeps idle proxies from closing a quiet connection.
      pingTimer = setInterval(function () { send({ type: "ping" }); }, 25000);
    });
    current.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      onFrame(frame);
    });
    current.addEventListener("close", function () {
      if (socket !== current) return;
      clearInterval(pingTimer);
      socket = null;
      spaceLive = false;
      if (!stopped) scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    // Exponential backoff with jitter, capped at 30 s, so a restarting server is not stampeded.
    var delay = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.75 + Math.random() * 0.5);
    attempt += 1;
    setStatus(fill(strings.reconnecting, { seconds: Math.round(delay / 1000) }), true);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, delay);
  }

  window.addEventListener("online", function () {
    if (!socket && !stopped) { attempt = 0; connect(); }
  });
  window.addEventListener("pagehide", function () {
    if (socket) { var closing = socket; socket = null; spaceLive = false; closing.close(); }
    clearTimeout(retryTimer);
  });
  window.addEventListener("pageshow", function (event) {
    // Restored from the back/forward cache: the page and the seqs are as they were left, so
    // resuming from them brings exactly what was missed meanwhile.
    if (event.persisted && !socket && !stopped) { attempt = 0; connect(); }
  });

  Object.keys(seqs).forEach(function (stream) { remember(stream, seqs[stream]); });
  connect();
})();
