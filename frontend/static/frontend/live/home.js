/*
 * "Quoi de neuf": its upcoming meetings, polls awaiting me and new documents follow the
 * events of my spaces without a reload.
 *
 * Design: the page does not rebuild a section from event payloads (what a section shows
 * depends on my own answers, the order, the top five, the time); each section is a
 * server-rendered fragment with its own URL, and an event that may change it triggers
 * "home-<section>" on the body, which htmx turns into one GET of that fragment, debounced
 * (hx-trigger ... delay:300ms). The socket is the bell's (inbox.js follows my busiest spaces
 * and my own stream on it); this module only says which events concern which section.
 *
 * The reader keeps their place: htmx puts the focus back on the element with the same id
 * (every link and button of a section has one), and a section that changes above the
 * viewport does not push what is being read. Only meaningful changes are announced (a line
 * added, removed or rescheduled), politely, in the page's one live region.
 */
import { onCatchUp, onOtherSpaces, onPersonal } from "./core.js";
import { fill, readJSON } from "./page.js";

const settings = readJSON("home-live");

const MEETINGS = "meetings";
const POLLS = "polls";
const DOCUMENTS = "documents";

function refresh(section) {
  document.body.dispatchEvent(new CustomEvent("home-" + section));
}

function mine(person) {
  return Boolean(person) && person.id === settings.me;
}

// kind -> the sections it may change (given the event's data).
const KINDS = {
  "meeting.scheduled": () => [MEETINGS],
  "meeting.updated": () => [MEETINGS],
  "meeting.cancelled": () => [MEETINGS],
  // Only my own answer shows here (given in another tab, or by the e-mail's link).
  "rsvp.changed": (data) => (mine(data.member) ? [MEETINGS] : []),
  "poll.opened": () => [POLLS],
  "poll.closed": () => [POLLS, MEETINGS],
  "poll.voted": (data) => (mine(data.voter) ? [POLLS] : []),
  "document.created": () => [DOCUMENTS],
  "document.renamed": () => [DOCUMENTS],
  "document.deleted": () => [DOCUMENTS],
  "document.restored": () => [DOCUMENTS],
  "document.purged": () => [DOCUMENTS],
};

function items(section) {
  const found = new Map();
  section.querySelectorAll("[data-home-item]").forEach((item) => {
    const link = item.querySelector("a");
    found.set(item.getAttribute("data-home-item"), {
      sig: item.getAttribute("data-home-sig"), title: link ? link.textContent.trim() : "",
    });
  });
  return found;
}

// What changed between two versions of a section, in words (empty when nothing worth saying).
function changes(name, before, after) {
  const strings = settings.strings || {};
  const said = [];
  after.forEach((item, key) => {
    if (!before.has(key)) said.push(fill(strings[name + "_added"], { title: item.title }));
    else if (before.get(key).sig !== item.sig && strings[name + "_changed"]) {
      said.push(fill(strings[name + "_changed"], { title: item.title }));
    }
  });
  before.forEach((item, key) => {
    if (!after.has(key)) said.push(fill(strings[name + "_removed"], { title: item.title }));
  });
  return said;
}

function announce(text) {
  const region = document.querySelector("[data-home-announce]");
  if (!region || !text) return;
  // Emptied first so the same sentence twice is read twice.
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
}

// Before a section is swapped: what it listed, whether it sits wholly above the viewport
// (then its change in height is given back to the scroll), and the answer just said in it.
let pending = null;

document.body.addEventListener("htmx:beforeSwap", (event) => {
  const section = event.detail.target;
  if (!section || !section.hasAttribute || !section.hasAttribute("data-home-section")) return;
  const box = section.getBoundingClientRect();
  const notice = section.querySelector("[data-home-notice]");
  pending = {
    name: section.getAttribute("data-home-section"), items: items(section),
    above: box.bottom <= 0, height: box.height,
    fromAnswer: event.detail.requestConfig && event.detail.requestConfig.verb === "post",
    notice: notice ? { item: notice.closest("[data-home-item]"), node: notice } : null,
  };
});

// Right after the swap, before the page is painted, so nothing is seen jumping.
document.body.addEventListener("htmx:afterSwap", (event) => {
  const was = pending;
  pending = null;
  if (!was) return;
  const section = document.querySelector('[data-home-section="' + was.name + '"]');
  if (!section) return;
  if (was.notice && was.notice.item && !was.fromAnswer) {
    // A refresh right after an answer (its own rsvp.changed) keeps the answer's words on
    // screen until the next reload.
    const key = was.notice.item.getAttribute("data-home-item");
    const item = section.querySelector('[data-home-item="' + CSS.escape(key) + '"]');
    if (item && !item.querySelector("[data-home-notice]")) item.appendChild(was.notice.node);
  }
  if (was.above) window.scrollBy(0, section.getBoundingClientRect().height - was.height);
  if (was.fromAnswer) {
    // An answer given in place: the answer now pressed keeps the focus, and what the server
    // said about it (saved, waiting list, refused) is read out.
    const notice = section.querySelector("[data-home-notice]");
    if (notice) announce(notice.textContent.trim());
    return;
  }
  announce(changes(was.name, was.items, items(section)).join(" "));
});

if (settings && document.querySelector("[data-home-section]")) {
  Object.keys(KINDS).forEach((kind) => {
    onOtherSpaces(kind, (data) => KINDS[kind](data || {}).forEach(refresh));
  });
  // A space left (or removed from): everything it brought here goes.
  const everything = () => [MEETINGS, POLLS, DOCUMENTS].forEach(refresh);
  onPersonal("membership.ended", everything);
  // A followed space skipped events (the log could not fill the gap): read them all again.
  onCatchUp(everything);
}
