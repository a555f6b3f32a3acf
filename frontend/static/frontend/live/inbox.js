/*
 * The bell, the tab title and the unread counts of my spaces, live on every page that shows
 * the bell (the bell's include loads this module; on live pages it shares main.js's socket,
 * since both import the same core.js).
 *
 * Design: the counts of my spaces move with the space events the server already publishes
 * (message.created, thread.created), followed on this one socket from the heads the page was
 * rendered with; nothing extra is written per post and per member. Mentions and the inbox
 * come on my own stream. What the page cannot count by itself (a thread read in another
 * tab, a message deleted, a gap after a resync) makes it read the counts once from the
 * server, debounced.
 */
import { follow, on, onCatchUp, onOtherSpaces, onPersonal, onSubscribed, PERSONAL, space, start, watch } from "./core.js";
import { readJSON, fill } from "./page.js";
import "./session.js";

const settings = readJSON("inbox-live");

// Counters that keep their number in a [data-count] child beside words (the sidebar's, the
// home page's per space) are hidden at zero; the home page's total is the bare number.
function setText(selector, value) {
  document.querySelectorAll(selector).forEach((node) => {
    const inner = node.querySelector("[data-count]");
    if (inner) {
      inner.textContent = String(value);
      node.hidden = Number(value) <= 0;
    } else {
      node.textContent = String(value);
    }
    if (node.hasAttribute("data-inbox-count")) node.setAttribute("data-inbox-count", String(value));
    if (node.hasAttribute("data-home-unread")) node.setAttribute("data-home-unread", String(value));
  });
}

function setInbox(unread) {
  const n = Math.max(0, Number(unread) || 0);
  document.querySelectorAll("[data-inbox-count]").forEach((node) => {
    node.textContent = String(n);
    node.setAttribute("data-inbox-count", String(n));
    node.hidden = n === 0;
  });
  const strings = settings.strings || {};
  const label = n === 0 ? strings.none : n === 1 ? strings.one : fill(strings.many, { n });
  document.querySelectorAll("[data-inbox-label]").forEach((node) => { node.textContent = label; });
}

function numberOf(node) {
  const inner = node.querySelector("[data-count]");
  return Number((inner || node).textContent.trim()) || 0;
}

function homeTotal() {
  const total = document.querySelector("[data-home-unread]");
  return total ? numberOf(total) : null;
}

// Home's tab title: "(3) Quoi de neuf — …"; the count leaves with the last unread message.
function setTitleCount(n) {
  const bare = document.title.replace(/^\(\d+\)\s*/, "");
  document.title = n > 0 ? "(" + n + ") " + bare : bare;
}

function setHomeTotal(n) {
  if (homeTotal() === null) return;
  setText("[data-home-unread]", n);
  setTitleCount(n);
}

function setSpace(slug, unread, mentions) {
  const safe = CSS.escape(slug);
  if (unread !== undefined) {
    setText('[data-unread-space="' + safe + '"]', Math.max(0, unread));
    // The home's "all read here" line would contradict a badge that a live post just showed.
    document.querySelectorAll('[data-all-read="' + safe + '"]').forEach((line) => {
      line.hidden = unread > 0;
    });
  }
  if (mentions !== undefined) {
    setText('[data-mentions-space="' + safe + '"]', Math.max(0, mentions));
    document.querySelectorAll('[data-mentions-badge="' + safe + '"]').forEach((badge) => {
      badge.hidden = mentions <= 0;
    });
  }
}

function bumpSpace(slug) {
  const nodes = document.querySelectorAll('[data-unread-space="' + CSS.escape(slug) + '"]');
  const current = nodes.length ? numberOf(nodes[0]) : 0;
  setSpace(slug, current + 1);
  const total = homeTotal();
  if (total !== null) setHomeTotal(total + 1);
}

function bumpMentions(slug) {
  const nodes = document.querySelectorAll('[data-mentions-space="' + CSS.escape(slug) + '"]');
  setSpace(slug, undefined, (nodes.length ? numberOf(nodes[0]) : 0) + 1);
}

let refreshTimer = null;

function refresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    fetch(settings.counts_url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((counts) => {
        if (!counts) return;
        setInbox(counts.inbox);
        Object.keys(counts.spaces || {}).forEach((slug) => {
          setSpace(slug, counts.spaces[slug].unread, counts.spaces[slug].mentions);
        });
        setHomeTotal(counts.unread);
      })
      .catch(() => { /* the next event or reload brings them */ });
  }, 300);
}

function fromOthers(data) {
  const message = data.message || {};
  return message.author && message.author.id !== settings.me;
}

function newMessage(data, stream) {
  if (fromOthers(data)) bumpSpace(stream);
}

// Adds an item on the inbox page when it is open (newest first).
function showItem(item) {
  const list = document.querySelector("[data-inbox-list]");
  if (!list || !item || list.querySelector('[data-inbox-item="' + item.id + '"]')) return;
  const empty = list.querySelector("[data-inbox-empty]");
  if (empty) empty.remove();
  const li = document.createElement("li");
  li.className = "card inbox-item is-unread";
  li.setAttribute("data-inbox-item", String(item.id));
  const kind = document.createElement("p");
  kind.className = "inbox-kind";
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.textContent = item.label;
  kind.appendChild(badge);
  const heading = document.createElement("h2");
  heading.className = "inbox-title";
  const link = document.createElement("a");
  link.href = settings.inbox_url + item.id + "/";
  link.textContent = item.title;
  heading.appendChild(link);
  li.append(kind, heading);
  if (item.snippet) {
    const snippet = document.createElement("p");
    snippet.className = "snippet";
    snippet.textContent = item.snippet;
    li.appendChild(snippet);
  }
  list.insertBefore(li, list.firstChild);
}

// Mark read in place on the inbox page; the forms still work alone without JavaScript.
function markedRead(form) {
  const item = form.closest("[data-inbox-item]");
  const hadFocus = form.contains(document.activeElement);
  if (item) {
    item.classList.remove("is-unread");
    item.querySelectorAll(".badge-unread").forEach((badge) => badge.remove());
  }
  form.remove();
  // The button that had focus is gone: keep the keyboard user where they were.
  if (hadFocus) {
    const next = (item && item.querySelector(".inbox-title a")) || document.getElementById("contenu");
    if (next) next.focus();
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const one = form.hasAttribute("data-inbox-read");
  const all = form.hasAttribute("data-inbox-read-all");
  if (!one && !all) return;
  event.preventDefault();
  fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                       headers: { "X-Requested-With": "fetch", Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) { form.submit(); return null; }
      return response.json();
    })
    .then((answer) => {
      if (!answer) return;
      setInbox(answer.unread);
      if (all) document.querySelectorAll("[data-inbox-read]").forEach(markedRead);
      markedRead(form);
    })
    .catch(() => form.submit());
});

if (settings) {
  follow(PERSONAL, settings.after);
  Object.keys(settings.spaces || {}).forEach((slug) => follow(slug, settings.spaces[slug]));
  onPersonal("inbox.item_added", (data) => { setInbox(data.unread); showItem(data.item); });
  onPersonal("inbox.read", (data) => setInbox(data.unread));
  onPersonal("mention.created", (data) => bumpMentions(data.space));
  onPersonal("read.updated", refresh);
  onPersonal("membership.ended", refresh);
  onOtherSpaces("message.created", newMessage);
  onOtherSpaces("thread.created", newMessage);
  onOtherSpaces("message.deleted", refresh);
  // On a space's own page the same events come through its handlers.
  if (space) {
    on("message.created", (data) => newMessage(data, space));
    on("thread.created", (data) => newMessage(data, space));
    on("message.deleted", refresh);
  }
  onCatchUp(refresh);
  // The bell says when it is live (and tests wait for it): my own stream is confirmed.
  onSubscribed((stream) => {
    if (stream !== PERSONAL) return;
    document.querySelectorAll("[data-inbox-bell]").forEach((bell) => bell.setAttribute("data-live", ""));
  });
  watch((state) => {
    if (state === "down") {
      document.querySelectorAll("[data-inbox-bell]").forEach((bell) => bell.removeAttribute("data-live"));
    }
  });
  // A live page's entry module (main.js) connects once all its features have registered:
  // connecting here first would let the space's events arrive before their handlers.
  if (!document.getElementById("live-config")) start();
}
