/*
 * The open date polls of the space page and the meetings list, kept current: a poll that
 * opens appears, each answer updates its count, a poll that closes leaves the list. The list
 * is server-rendered and works without it; it does nothing where the page brings no list
 * ("open-polls-live").
 */
import { on } from "./core.js";
import { fill, plural, readJSON } from "./page.js";

const strings = readJSON("open-polls-live");

function list() { return document.querySelector("[data-open-polls]"); }
function section() { return document.querySelector("[data-open-polls-section]"); }
function item(pollId) { return document.getElementById("open-poll-" + Number(pollId)); }

function respondentsText(n) {
  return fill(strings[plural.select(n) === "one" ? "respondents_one" : "respondents_many"], { n });
}

// The page's own place for live news: the activity feed of the space page, the notices of the
// meetings list.
function announce(text) {
  const feed = document.querySelector("[data-live-region]");
  let line;
  if (feed) {
    line = document.createElement("li");
    line.textContent = text;
    feed.insertBefore(line, feed.firstChild);
    return;
  }
  const box = document.querySelector("[data-notices]");
  if (!box) return;
  line = document.createElement("p");
  line.className = "flash-item";
  line.setAttribute("role", "status");
  line.textContent = text;
  box.appendChild(line);
}

function opened(data) {
  const target = list();
  if (!target || item(data.poll.id)) return;
  const row = document.createElement("li");
  row.id = "open-poll-" + Number(data.poll.id);
  row.setAttribute("data-open-poll", String(Number(data.poll.id)));
  const link = document.createElement("a");
  link.href = String(strings.poll_url).replace("999999999", String(Number(data.poll.id)));
  link.textContent = data.poll.title;
  const count = document.createElement("span");
  count.className = "muted";
  count.setAttribute("data-poll-respondents", "");
  count.textContent = respondentsText(0);
  row.appendChild(link);
  row.appendChild(document.createTextNode(" "));
  row.appendChild(count);
  target.appendChild(row);  // opened last, so listed last, as the server orders them
  const box = section();
  if (box) box.hidden = false;
  announce(fill(strings.opened, { title: data.poll.title }));
}

function voted(data) {
  const row = item(data.poll);
  const count = row && row.querySelector("[data-poll-respondents]");
  if (count) count.textContent = respondentsText(Number(data.respondents) || 0);
}

function closed(data) {
  const row = item(data.poll.id);
  if (!row) return;
  row.parentNode.removeChild(row);
  const target = list();
  const box = section();
  if (box && target && !target.children.length) box.hidden = true;
  announce(fill(strings.closed, { title: data.poll.title }));
}

if (strings) {
  on("poll.opened", opened);
  on("poll.voted", voted);
  on("poll.closed", closed);
}
