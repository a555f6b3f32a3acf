/*
 * Who is online in the space, and who is typing in this thread: both are hints the server
 * does not store or replay. Typing hints go out only once the space subscription is
 * confirmed (the server refuses them before), at most every 2 s.
 */
import { isLive, onHint, send, space, watch } from "./core.js";
import { el, fill, me, strings, threadId } from "./page.js";

const onlineList = document.querySelector("[data-online]");
const onlineEmpty = document.querySelector("[data-online-empty]");

function showOnline(people) {
  if (!onlineList) return;
  onlineList.textContent = "";
  people.forEach((person) => {
    const item = el("li", "online-person");
    const dot = el("span", "online-dot");
    dot.setAttribute("aria-hidden", "true");
    item.appendChild(dot);
    item.appendChild(document.createTextNode(person.label || person.display_name));
    if (person.id === me.id) item.appendChild(el("span", "muted", " (" + strings.you + ")"));
    onlineList.appendChild(item);
  });
  if (onlineEmpty) {
    const others = people.filter((p) => p.id !== me.id).length;
    onlineEmpty.textContent = others ? "" : strings.nobody_online;
    onlineEmpty.hidden = others > 0;
  }
}

const typingNode = document.querySelector("[data-typing]");
const typers = new Map();

function showTypers() {
  if (!typingNode) return;
  const names = Array.from(typers.values(), (typer) => typer.name);
  typingNode.hidden = names.length === 0;
  if (names.length === 1) typingNode.textContent = fill(strings.typing_one, { name: names[0] });
  else if (names.length === 2) typingNode.textContent = fill(strings.typing_two, { first: names[0], second: names[1] });
  else typingNode.textContent = names.length ? strings.typing_many : "";
}

/** Someone's message arrived: they are no longer typing it. */
export function stopTyping(id) {
  if (!typers.has(id)) return;
  clearTimeout(typers.get(id).timer);
  typers.delete(id);
  showTypers();
}

function onTyping(frame) {
  if (threadId === null || frame.thread !== threadId || !frame.user || frame.user.id === me.id) return;
  const id = frame.user.id;
  if (typers.has(id)) clearTimeout(typers.get(id).timer);
  // The sender repeats at most every 2 s while typing: 5 s of silence means they stopped.
  typers.set(id, { name: frame.user.label || frame.user.display_name, timer: setTimeout(() => stopTyping(id), 5000) });
  showTypers();
}

let lastTypingSent = 0;
// A keystroke before the subscription is confirmed is remembered and sent once it is: the
// server would refuse it now, and the throttle would then swallow the next keystrokes.
let typedWhileOffline = 0;

function sendTyping() {
  lastTypingSent = Date.now();
  typedWhileOffline = 0;
  send({ type: "typing", space, thread: threadId });
}

watch((state) => {
  if (state === "live" && typedWhileOffline && Date.now() - typedWhileOffline < 5000) sendTyping();
});

// composer.js says when the person types.
document.addEventListener("espace:typing", () => {
  const now = Date.now();
  if (threadId === null) return;
  if (!isLive()) { typedWhileOffline = now; return; }
  if (now - lastTypingSent < 2000) return;
  sendTyping();
});

// The server sends the list once per subscription ("online"), then only what changed
// ("joined", "left"), keyed by person id: applying a change twice changes nothing.
const online = new Map();

function onPresence(frame) {
  if (Array.isArray(frame.online)) {
    online.clear();
    frame.online.forEach((person) => online.set(person.id, person));
  } else {
    (frame.left || []).forEach((id) => online.delete(id));
    (frame.joined || []).forEach((person) => online.set(person.id, person));
  }
  const collator = new Intl.Collator(document.documentElement.lang || undefined, { sensitivity: "base" });
  showOnline(Array.from(online.values()).sort(
    (a, b) => collator.compare(a.display_name, b.display_name) || a.id - b.id));
}

onHint("presence", onPresence);
onHint("typing", onTyping);
