/*
 * The open thread: messages posted, edited or deleted meanwhile, and the thread's own title,
 * pin and lock. New messages are built from the page's <template id="message-template">,
 * rendered by the server with every action, so they look and behave like the others.
 */
import { on } from "./core.js";
import { fillCards } from "./documents.js";
import { announce, config, el, fill, me, PLACEHOLDER, readJSON, strings, threadId, timeNode } from "./page.js";
import { stopTyping } from "./presence.js";
import { markRead } from "./reading.js";

const template = document.getElementById("message-template");
const threadPage = document.querySelector("[data-thread-page]");
const messageList = document.querySelector("[data-messages]");
const talk = readJSON("conversation-strings") || {};
const pill = document.querySelector("[data-new-pill]");

function slot(root, name) {
  return root.querySelector('[data-slot="' + name + '"]');
}

// As the server does for rendered pages: message headings sit below the page's (h1 → h3).
function demoteHeadings(container) {
  container.querySelectorAll("h1, h2, h3, h4, h5, h6").forEach((heading) => {
    const level = Math.min(6, Number(heading.tagName.charAt(1)) + 2);
    const replacement = document.createElement("h" + level);
    while (heading.firstChild) replacement.appendChild(heading.firstChild);
    heading.parentNode.replaceChild(replacement, heading);
  });
}

function setBody(item, html) {
  const body = slot(item, "body");
  // Sanitised by the server with an allowlist (communities.markdown) when it was written;
  // the page's Content-Security-Policy also forbids inline scripts and handlers.
  body.innerHTML = html;
  demoteHeadings(body);
}

// Same rule as the server's quote (communities.serializers.quote_of): the words of the
// rendered message, never its Markdown. The HTML was sanitised by the server; a parsed,
// detached document runs nothing.
function excerptOf(html) {
  const spaced = String(html || "").replace(/<\/(p|li|h[1-6]|blockquote|pre)>|<br\s*\/?>/gi, " $&");
  const text = new DOMParser().parseFromString(spaced, "text/html").body.textContent;
  const flat = String(text || "").split(/\s+/).join(" ").trim();
  return flat.length > 140 ? flat.slice(0, 140) + "…" : flat;
}

function withId(root, id) {
  [root, ...root.querySelectorAll("*")].forEach((node) => {
    ["id", "href", "action", "aria-labelledby", "aria-describedby", "data-reply", "data-message-id", "hx-get", "hx-post"].forEach((name) => {
      const value = node.getAttribute(name);
      if (value && value.indexOf(PLACEHOLDER) !== -1) node.setAttribute(name, value.split(PLACEHOLDER).join(String(id)));
    });
  });
}

function buildMessage(message) {
  const item = template.content.querySelector("li").cloneNode(true);
  withId(item, message.id);
  item.classList.add("is-new");
  item.setAttribute("data-author-id", String(message.author.id));
  const name = message.author.display_name || "";
  // The author's avatar as the page already shows it (their photo, or their initials); the
  // frames carry no photo address, so a first message shows the initials until a reload.
  const known = document.querySelector('[data-author-id="' + message.author.id + '"] [data-slot="avatar"]');
  if (known) slot(item, "avatar").replaceWith(known.cloneNode(true));
  else {
    const words = name.split(/[\s-]+/).filter(Boolean);
    slot(item, "avatar").textContent = words.length ? (words[0].charAt(0) + (words.length > 1 ? words[words.length - 1].charAt(0) : "")).toUpperCase() : "";
  }
  slot(item, "author").textContent = name;
  // A namesake of a shared space is told apart by what the server chose (organisation or number).
  const beside = message.author.disambiguation || message.author.organisation;
  slot(item, "organisation").textContent = beside ? " · " + beside : "";
  const time = slot(item, "time");
  time.textContent = "";
  const moment = timeNode(message.created_at);
  // Relative, as the server renders it; the exact moment stays in the title.
  moment.title = moment.textContent;
  moment.textContent = talk.now || moment.textContent;
  moment.setAttribute("data-relative", "");
  time.appendChild(moment);
  const quote = slot(item, "quote");
  if (message.reply_to) {
    quote.setAttribute("data-quote-of", String(message.reply_to.id));
    slot(quote, "quote-link").setAttribute("href", "#message-" + message.reply_to.id);
    slot(quote, "quote-author").textContent = message.reply_to.author;
    const excerpt = slot(quote, "quote-excerpt");
    if (message.reply_to.deleted) excerpt.appendChild(el("em", "", strings.tombstone));
    else excerpt.textContent = message.reply_to.excerpt;
    quote.hidden = false;
  } else {
    quote.remove();
  }
  setBody(item, message.html);
  fillCards(item, message.attachments || []);
  const mine = message.author.id === me.id;
  if (!mine) slot(item, "edit").remove();
  if (!mine && !config.moderator) slot(item, "delete").remove();
  return item;
}

// The list's end is in view when the last message's bottom is above the (sticky) composer.
function atBottom() {
  const last = messageList && messageList.lastElementChild;
  if (!last) return true;
  const composer = document.querySelector("[data-composer]:not([hidden])");
  const limit = composer ? composer.getBoundingClientRect().top : window.innerHeight;
  return last.getBoundingClientRect().bottom <= limit + 24;
}

let unseen = [];

function showPill() {
  if (!pill) return;
  pill.hidden = unseen.length === 0;
  pill.textContent = fill(unseen.length === 1 ? talk.new_one : talk.new_many, { n: unseen.length });
}

if (pill) {
  pill.addEventListener("click", () => {
    const first = unseen.length ? document.getElementById("message-" + unseen[0]) : null;
    unseen = [];
    showPill();
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.scrollIntoView({ block: "start" });
      first.focus({ preventScroll: true });
    }
  });
  window.addEventListener("scroll", () => {
    if (unseen.length && atBottom()) { unseen = []; showPill(); }
  }, { passive: true });
}

function todayDivider() {
  const today = new Date();
  const key = today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") + "-" + String(today.getDate()).padStart(2, "0");
  const dividers = messageList.querySelectorAll("[data-day]");
  const last = dividers[dividers.length - 1];
  if (last && last.getAttribute("data-day") === key) return;
  const divider = el("li", "day-divider");
  divider.setAttribute("data-day", key);
  divider.appendChild(el("span", "", talk.today || ""));
  messageList.appendChild(divider);
}

function appendMessage(message) {
  if (!messageList || !template || document.getElementById("message-" + message.id)) return false;
  // A page that stops before the end of the thread must not grow a gap: the newer messages
  // are behind the "Messages suivants" link.
  if (messageList.hasAttribute("data-not-at-end")) return false;
  // New messages never move what the person is reading: the page follows only when its end
  // was in view (or the message is theirs); otherwise a pill counts what arrived below.
  const following = atBottom() || message.author.id === me.id;
  todayDivider();
  const item = buildMessage(message);
  messageList.appendChild(item);
  if (following) {
    item.scrollIntoView({ block: "nearest" });
  } else {
    unseen.push(message.id);
    showPill();
  }
  return true;
}

function quotesOf(id) {
  return document.querySelectorAll('[data-quote-of="' + id + '"] [data-slot="quote-excerpt"]');
}

function applyEdit(message) {
  if (message.deleted) return;
  quotesOf(message.id).forEach((node) => { node.textContent = excerptOf(message.html); });
  const item = document.getElementById("message-" + message.id);
  // A row open in its edit form (htmx) gets the saved row from the server instead.
  if (!item || !slot(item, "body")) return;
  setBody(item, message.html);
  const edited = slot(item, "edited");
  if (edited) edited.hidden = !message.edited_at;
}

function applyDelete(message) {
  const item = document.getElementById("message-" + message.id);
  quotesOf(message.id).forEach((node) => {
    node.textContent = "";
    node.appendChild(el("em", "", strings.tombstone));
  });
  const body = item && slot(item, "body");
  if (!body) return;  // absent, or open in its edit form: saving it will say it is gone
  item.classList.add("is-deleted");
  body.textContent = "";
  body.appendChild(el("p", "tombstone", strings.tombstone));
  ["edited", "foot"].forEach((name) => {
    const node = slot(item, name);
    // Keep focus somewhere sensible if it was on a control that disappears.
    if (node && node.contains(document.activeElement)) body.setAttribute("tabindex", "-1");
    if (node) node.hidden = true;
  });
  const reactions = slot(item, "reactions");
  if (reactions) reactions.textContent = "";
}

function setFlag(root, name, on) {
  const flag = root.querySelector('[data-flag="' + name + '"]');
  if (flag) flag.hidden = !on;
}

function composerIsEmpty() {
  const field = document.querySelector("[data-composer-form] textarea");
  return !field || field.value.trim() === "";
}

function applyThread(thread) {
  if (threadId !== thread.id || !threadPage) return;
  const title = document.querySelector("[data-thread-title]");
  if (title) title.textContent = thread.title;
  const crumb = document.querySelector('.breadcrumbs [aria-current="page"]');
  if (crumb) crumb.textContent = thread.title;
  setFlag(threadPage, "pinned", thread.pinned);
  setFlag(threadPage, "locked", thread.locked);
  threadPage.classList.toggle("is-locked", thread.locked);
  const notice = document.querySelector("[data-locked-notice]");
  if (notice) notice.hidden = !thread.locked;
  const composer = document.querySelector("[data-composer]");
  // A text being typed stays visible: the server will explain why it cannot be posted.
  if (composer && (!thread.locked || composerIsEmpty())) composer.hidden = thread.locked;
}

on("message.created", (data) => {
  const message = data.message;
  if (threadId === null || message.thread !== threadId) return;
  stopTyping(message.author.id);
  if (appendMessage(message)) {
    if (message.author.id !== me.id) announce(fill(strings.new_message, { name: (message.author.label || message.author.display_name) }));
    markRead(message.id);
  }
});
on("message.edited", (data) => applyEdit(data.message));
on("message.deleted", (data) => applyDelete(data.message));
on("thread.updated", (data) => {
  applyThread(data.thread);
  if (data.thread.id === threadId) announce(fill(strings.thread_renamed, { title: data.thread.title }));
});
on("thread.pinned", (data) => applyThread(data.thread));
on("thread.announced", (data) => applyThread(data.thread));
on("thread.locked", (data) => {
  applyThread(data.thread);
  if (data.thread.id === threadId) {
    announce(fill(strings[data.thread.locked ? "thread_locked" : "thread_unlocked"], { title: data.thread.title }));
  }
});
