/*
 * The space page's thread list: a thread started or answered meanwhile moves to the top
 * (pinned ones first, as the server orders them), its unread badge follows this person's
 * other devices (read.updated), and the activity feed says what happened.
 */
import { on, onPersonal, space } from "./core.js";
import { announce, config, el, fill, fillNodes, me, onSpacePage, PLACEHOLDER, plural, strings, timeNode } from "./page.js";

const threadList = document.querySelector("[data-thread-list]");

/** A thread's page, in this space or (for a mention) another one. */
export function threadUrl(id, slug) {
  const url = slug ? String(config.any_thread_url || "").replace("__space__", slug) : String(config.thread_url || "");
  return url.replace(PLACEHOLDER, String(id));
}

function countText(n) {
  return fill(strings[plural.select(n) === "one" ? "messages_count_one" : "messages_count_many"], { n });
}

function unreadText(n) {
  return fill(strings[plural.select(n) === "one" ? "unread_one" : "unread_many"], { n });
}

function setUnread(item, n) {
  const badge = item && item.querySelector("[data-unread]");
  if (!badge) return;
  badge.setAttribute("data-unread", String(n));
  badge.textContent = unreadText(n);
  badge.hidden = n <= 0;
}

function setFlag(root, name, on) {
  const flag = root.querySelector('[data-flag="' + name + '"]');
  if (flag) flag.hidden = !on;
}

function threadItem(thread) {
  let item = document.getElementById("thread-" + thread.id);
  if (item) return item;
  item = el("li", "card thread-item");
  item.id = "thread-" + thread.id;
  item.setAttribute("data-thread-id", String(thread.id));
  item.setAttribute("data-pinned", thread.pinned ? "1" : "0");
  const top = el("div", "thread-item-head");
  const heading = el("h3");
  const link = el("a", "", thread.title);
  link.href = threadUrl(thread.id);
  link.setAttribute("data-thread-link", "");
  heading.appendChild(link);
  const badge = el("span", "badge badge-unread");
  badge.setAttribute("data-unread", "0");
  badge.hidden = true;
  top.appendChild(heading);
  top.appendChild(badge);
  const meta = el("p", "meta");
  // message.created carries no author for its thread (the poster's path does not read it):
  // a thread coming up from an older page shows without its "par" until the next load.
  if (thread.author) meta.appendChild(el("span", "", fill(strings.by, { name: (thread.author.label || thread.author.display_name) })));
  const count = el("span");
  count.setAttribute("data-count", "");
  meta.appendChild(count);
  const activity = el("span");
  activity.setAttribute("data-activity", "");
  meta.appendChild(activity);
  item.appendChild(top);
  item.appendChild(meta);
  return item;
}

// Pinned first, then most recently active, as the server orders them. Moving the element that
// has focus would blur it, so focus is put back where it was.
function sortThreads() {
  if (!threadList) return;
  const focused = document.activeElement;
  const items = Array.prototype.filter.call(threadList.children, (li) => li.hasAttribute("data-thread-id"));
  items.sort((a, b) => {
    const pinned = Number(b.getAttribute("data-pinned")) - Number(a.getAttribute("data-pinned"));
    if (pinned) return pinned;
    return Date.parse(b.getAttribute("data-activity-at") || 0) - Date.parse(a.getAttribute("data-activity-at") || 0);
  });
  items.forEach((li, index) => {
    if (threadList.children[index] !== li) threadList.insertBefore(li, threadList.children[index] || null);
  });
  if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus({ preventScroll: true });
}

function bumpThread(thread, fromOther) {
  if (!threadList) return;
  // An older page lists only older threads: one active just now belongs on the first page,
  // and the activity feed still says what happened.
  if (threadList.hasAttribute("data-later-page") && !document.getElementById("thread-" + thread.id)) return;
  const item = threadItem(thread);
  const count = item.querySelector("[data-count]");
  if (count && thread.message_count !== undefined) count.textContent = countText(thread.message_count);
  const activity = item.querySelector("[data-activity]");
  if (activity && thread.last_activity_at) {
    activity.textContent = "";
    fillNodes(activity, strings.last_activity, { date: timeNode(thread.last_activity_at) });
    item.setAttribute("data-activity-at", thread.last_activity_at);
  }
  if (fromOther) setUnread(item, Number(item.querySelector("[data-unread]").getAttribute("data-unread")) + 1);
  const empty = threadList.querySelector("[data-empty]");
  if (empty) empty.remove();
  item.classList.add("is-new");
  if (!item.parentNode) threadList.insertBefore(item, threadList.firstChild);
  sortThreads();
}

function applyThread(thread) {
  const item = threadList && document.getElementById("thread-" + thread.id);
  if (!item) return;
  const link = item.querySelector("[data-thread-link]");
  if (link) link.textContent = thread.title;
  setFlag(item, "pinned", thread.pinned);
  setFlag(item, "locked", thread.locked);
  setFlag(item, "announcement", Boolean(thread.announcement));
  item.classList.toggle("is-pinned", thread.pinned);
  item.setAttribute("data-pinned", thread.pinned ? "1" : "0");
  sortThreads();
}

on("message.created", (data) => {
  if (!onSpacePage()) return;
  const name = (data.message.author.label || data.message.author.display_name);
  const fromOther = data.message.author.id !== me.id;
  bumpThread(data.thread, fromOther);
  if (fromOther) announce(fill(strings.new_message_in, { name, title: data.thread.title }));
});
on("thread.created", (data) => {
  if (!onSpacePage()) return;
  const fromOther = data.thread.author.id !== me.id;
  bumpThread(data.thread, fromOther);
  if (fromOther) announce(fill(strings.new_thread, { title: data.thread.title, name: (data.thread.author.label || data.thread.author.display_name) }));
});
on("thread.updated", (data) => applyThread(data.thread));
on("thread.pinned", (data) => {
  applyThread(data.thread);
  if (onSpacePage()) announce(fill(strings[data.thread.pinned ? "thread_pinned" : "thread_unpinned"], { title: data.thread.title }));
});
// An announcement arrives as thread.created then thread.announced (flagged and pinned).
on("thread.announced", (data) => applyThread(data.thread));
on("thread.locked", (data) => {
  applyThread(data.thread);
  if (onSpacePage()) announce(fill(strings[data.thread.locked ? "thread_locked" : "thread_unlocked"], { title: data.thread.title }));
});
onPersonal("read.updated", (data) => {
  if (data.space === space) setUnread(document.getElementById("thread-" + data.thread), data.unread);
});
