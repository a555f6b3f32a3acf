/*
 * Live updates of the meeting pages: answers and counts as members give them, meetings
 * scheduled, changed or cancelled meanwhile. The pages work without it; it does nothing where
 * the page brings no meeting sentences ("meeting-strings").
 */
import { on } from "./core.js";
import { config, el, fill, me, readJSON, urlFor } from "./page.js";

const strings = readJSON("meeting-strings");
const meetingId = config.meeting ? Number(config.meeting) : null;
const lang = document.documentElement.lang || "fr-ca";
const english = lang.indexOf("en") === 0;
// The same shapes as meetings/formatting.py: "jeudi 1er mai 2025" and "13 h", "13 h 30"
// (OQLF), "Thursday, May 1, 2025" and "1:30 PM".
const zone = "America/Toronto";
const dayFormat = new Intl.DateTimeFormat(english ? "en-US" : "fr-CA", {
  weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: zone
});
const clockParts = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone
});

function dayText(moment) {
  if (english) return dayFormat.format(moment);
  return dayFormat.formatToParts(moment).map(function (part) {
    return part.type === "day" && part.value === "1" ? "1er" : part.value;
  }).join("");
}

function timeText(moment) {
  const parts = {};
  clockParts.formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
  const hour = Number(parts.hour) % 24;
  const minute = parts.minute;
  if (english) return (hour % 12 || 12) + ":" + minute + " " + (hour < 12 ? "AM" : "PM");
  return hour + "\u00a0h" + (minute === "00" ? "" : "\u00a0" + minute);
}

function notice(text, withReload) {
  const box = document.querySelector("[data-notices]");
  if (!box) return;
  const item = el("p", "flash-item", text);
  item.setAttribute("role", "status");
  if (withReload) {
    const button = el("button", "button button-quiet", strings.reload);
    button.type = "button";
    button.addEventListener("click", function () { window.location.reload(); });
    item.appendChild(document.createTextNode(" "));
    item.appendChild(button);
  }
  box.appendChild(item);
}

function answerLabel(answer, waiting) {
  if (waiting) return strings.answer_waiting;
  return strings["answer_" + answer] || answer;
}

function onThisPage(id) { return meetingId !== null && id === meetingId; }

// --- answers ------------------------------------------------------------------------------
function placeName(data) {
  const list = data.answer === "yes" && data.waiting ? "waiting" : data.answer;
  let avatar = null;  // the person's photo or initials, as the page showed them
  Array.prototype.forEach.call(document.querySelectorAll("[data-names] [data-member]"), function (item) {
    if (Number(item.getAttribute("data-member")) !== data.member.id) return;
    avatar = avatar || item.querySelector('[data-slot="avatar"]');
    item.parentNode.removeChild(item);
  });
  const target = document.querySelector('[data-names="' + list + '"]');
  if (target) {
    const item = el("li", "", (data.member.label || data.member.display_name));
    item.setAttribute("data-member", String(data.member.id));
    if (avatar) item.insertBefore(document.createTextNode(" "), item.firstChild);
    if (avatar) item.insertBefore(avatar, item.firstChild);
    target.appendChild(item);
  }
  // A group shows only while someone is in it, as the server renders it.
  let anyone = false;
  Array.prototype.forEach.call(document.querySelectorAll("[data-names-group]"), function (group) {
    const filled = !!group.querySelector("[data-member]");
    group.hidden = !filled;
    anyone = anyone || filled;
  });
  const nobody = document.querySelector("[data-nobody]");
  if (nobody) nobody.hidden = anyone;
  if (data.member.id === me.id) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-rsvp-form] button[name=answer]"), function (button) {
      button.setAttribute("aria-pressed", button.value === data.answer ? "true" : "false");
    });
  }
}

function showCounts(counts) {
  Object.keys(counts).forEach(function (key) {
    document.querySelectorAll('[data-count="' + key + '"]').forEach(function (node) {
      node.textContent = String(counts[key]);
    });
  });
}

function rsvpChanged(data) {
  if (!onThisPage(data.meeting)) return;
  showCounts(data.counts);
  placeName(data);
  if (data.member.id === me.id) {
    if (data.promoted) notice(strings.you_promoted, true);
    return;
  }
  const key = data.promoted ? "promoted" : "answered";
  notice(fill(strings[key], { name: (data.member.label || data.member.display_name), answer: answerLabel(data.answer, data.waiting) }));
}

// --- meetings -----------------------------------------------------------------------------
function whenText(meeting) {
  const start = new Date(meeting.starts_at);
  const end = new Date(meeting.ends_at);
  return fill(strings.when, { day: dayText(start), start: timeText(start), end: timeText(end) });
}

function scheduled(data) {
  const list = document.querySelector("[data-meeting-list]");
  if (!list || document.getElementById("meeting-" + data.meeting.id)) return;
  const empty = list.querySelector("[data-empty]");
  if (empty) empty.parentNode.removeChild(empty);
  const item = el("li", "card meeting-item");
  item.id = "meeting-" + data.meeting.id;
  item.setAttribute("data-meeting-id", String(data.meeting.id));
  const heading = el("h3");
  const link = el("a", "", data.meeting.title);
  link.href = urlFor("meeting_url", data.meeting.id);
  heading.appendChild(link);
  item.appendChild(heading);
  const time = el("time", "", whenText(data.meeting));
  time.setAttribute("datetime", data.meeting.starts_at);
  const meta = el("p", "meta");
  meta.appendChild(time);
  item.appendChild(meta);
  // Keep the list in start order.
  const before = Array.prototype.find.call(list.children, function (other) {
    const t = other.querySelector("time");
    return t && t.getAttribute("datetime") > data.meeting.starts_at;
  });
  list.insertBefore(item, before || null);
  notice(fill(strings.scheduled, { title: data.meeting.title }));
}

function updated(data) {
  if (onThisPage(data.meeting.id)) notice(strings.updated_here, true);
  const item = document.getElementById("meeting-" + data.meeting.id);
  if (item) {
    const link = item.querySelector("h3 a");
    if (link) link.textContent = data.meeting.title;
    const time = item.querySelector("time");
    if (time) { time.textContent = whenText(data.meeting); time.setAttribute("datetime", data.meeting.starts_at); }
  }
}

function cancelled(data) {
  const item = document.getElementById("meeting-" + data.meeting.id);
  if (item) item.classList.add("is-cancelled");
  if (!onThisPage(data.meeting.id)) return;
  const banner = document.querySelector("[data-cancelled]");
  if (banner) {
    banner.hidden = false;
    banner.className = "form-errors";
    banner.textContent = strings.cancelled_here;
  }
  const form = document.querySelector('form[action$="/reponse/"]');
  if (form) form.hidden = true;
}

if (strings) {
  on("meeting.scheduled", scheduled);
  on("meeting.updated", updated);
  on("meeting.cancelled", cancelled);
  on("rsvp.changed", rsvpChanged);
  on("attendance.recorded", (data) => {
    if (onThisPage(data.meeting)) notice(strings.attendance_here, true);
  });
}
