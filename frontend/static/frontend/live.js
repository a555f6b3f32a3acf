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
  var storageKey = "espace-collaboratif:last-seq:" + space;
  var lastSeq = Number(config.after) || 0;
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
  function remember(seq) {
    lastSeq = seq;
    try { sessionStorage.setItem(storageKey, String(seq)); } catch (e) { /* private mode */ }
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

  // --- rendering ---------------------------------------------------------------------------
  function appendMessage(message) {
    if (!messageList || document.getElementById("message-" + message.id)) return false;
    var item = el("li", "card message is-new");
    item.id = "message-" + message.id;
    var article = el("article");
    article.setAttribute("aria-labelledby", item.id + "-author");
    var head = el("header", "message-head");
    var name = message.author.display_name || "";
    var avatar = el("span", "avatar", name.charAt(0).toUpperCase());
    avatar.setAttribute("aria-hidden", "true");
    var who = el("p", "message-author");
    var strong = el("strong", "", name);
    strong.id = item.id + "-author";
    who.appendChild(strong);
    if (message.author.organisation) {
      who.appendChild(document.createTextNode(" "));
      who.appendChild(el("span", "muted", "· " + message.author.organisation));
    }
    var when = el("p", "message-time");
    when.appendChild(timeNode(message.created_at));
    head.appendChild(avatar);
    head.appendChild(who);
    head.appendChild(when);
    var body = el("div", "message-body");
    // Sanitised by the server with an allowlist (communities.markdown) when it was written.
    body.innerHTML = message.html;
    demoteHeadings(body);
    article.appendChild(head);
    article.appendChild(body);
    item.appendChild(article);
    messageList.appendChild(item);
    return true;
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

  function threadUrl(id) {
    return String(config.thread_url || "").replace("999999999", String(id));
  }

  function threadItem(thread) {
    var item = document.getElementById("thread-" + thread.id);
    if (item) return item;
    item = el("li", "card thread-item");
    item.id = "thread-" + thread.id;
    item.setAttribute("data-thread-id", String(thread.id));
    var heading = el("h3");
    var link = el("a", "", thread.title);
    link.href = threadUrl(thread.id);
    heading.appendChild(link);
    var meta = el("p", "meta");
    meta.appendChild(el("span", "", fill(strings.by, { name: thread.author.display_name })));
    var count = el("span");
    count.setAttribute("data-count", "");
    meta.appendChild(count);
    var activity = el("span");
    activity.setAttribute("data-activity", "");
    meta.appendChild(activity);
    item.appendChild(heading);
    item.appendChild(meta);
    return item;
  }

  function bumpThread(thread) {
    if (!threadList) return;
    var item = threadItem(thread);
    var count = item.querySelector("[data-count]");
    if (count && thread.message_count !== undefined) count.textContent = countText(thread.message_count);
    var activity = item.querySelector("[data-activity]");
    if (activity && thread.last_activity_at) {
      activity.textContent = "";
      fillNodes(activity, strings.last_activity, { date: timeNode(thread.last_activity_at) });
    }
    var empty = threadList.querySelector("[data-empty]");
    if (empty) empty.remove();
    item.classList.add("is-new");
    // Most recently active first, as the server orders them.
    threadList.insertBefore(item, threadList.firstChild);
  }

  function roleName(role) {
    return strings["role_" + role] || role;
  }

  var handlers = {
    "message.created": function (data) {
      var name = data.message.author.display_name;
      if (threadId !== null) {
        if (data.message.thread === threadId && appendMessage(data.message)) {
          announce(fill(strings.new_message, { name: name }));
        }
        return;
      }
      bumpThread(data.thread);
      announce(fill(strings.new_message_in, { name: name, title: data.thread.title }));
    },
    "thread.created": function (data) {
      if (threadId !== null) return;
      bumpThread(data.thread);
      announce(fill(strings.new_thread, {
        title: data.thread.title, name: data.thread.author.display_name
      }));
    },
    "member.joined": function (data) {
      if (threadId === null) announce(fill(strings.member_joined, { name: data.member.display_name }));
    },
    "member.left": function (data) {
      if (threadId === null) announce(fill(strings.member_left, { name: data.member.display_name }));
    },
    "member.removed": function (data) {
      if (threadId === null) announce(fill(strings.member_removed, { name: data.member.display_name }));
    },
    "member.role_changed": function (data) {
      if (threadId === null) {
        announce(fill(strings.role_changed, { name: data.member.display_name, role: roleName(data.role) }));
      }
    }
  };

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

  function subscribe() {
    send({ type: "subscribe", space: space, after: lastSeq });
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "subscribed":
        attempt = 0;
        setStatus(strings.connected);
        break;
      case "event":
        if (frame.space !== space || frame.seq <= lastSeq) return;
        try {
          if (handlers[frame.kind]) handlers[frame.kind](frame.data || {});
        } finally {
          remember(frame.seq);
        }
        break;
      case "resync":
        if (frame.reason === "too_slow") subscribe();  // the log still holds what we missed
        else offerReload();
        break;
      case "error":
        if (frame.code === "forbidden" && frame.space === space) {
          stop(frame.message || strings.access_ended);
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
      subscribe();
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
    if (socket) { var closing = socket; socket = null; closing.close(); }
    clearTimeout(retryTimer);
  });
  window.addEventListener("pageshow", function (event) {
    // Restored from the back/forward cache: the page and lastSeq are as they were left, so
    // resuming from lastSeq brings exactly what was missed meanwhile.
    if (event.persisted && !socket && !stopped) { attempt = 0; connect(); }
  });

  remember(lastSeq);
  connect();
})();
