/*
 * Live updates of the meeting pages: answers and counts as members give them, meetings
 * scheduled, changed or cancelled meanwhile. Registers handlers that live.js (loaded after
 * this file) calls for each event of the space; the page works without either script.
 */
(function () {
  "use strict";

  function readJSON(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  var config = readJSON("live-config") || {};
  var strings = readJSON("meeting-strings") || {};
  var me = (config.me && config.me.id) || null;
  var meetingId = config.meeting ? Number(config.meeting) : null;
  var lang = document.documentElement.lang || "fr-ca";
  var english = lang.indexOf("en") === 0;
  // The same shapes as meetings/formatting.py: "jeudi 1er mai 2025" and "13 h", "13 h 30"
  // (OQLF), "Thursday, May 1, 2025" and "1:30 PM".
  var zone = "America/Toronto";
  var dayFormat = new Intl.DateTimeFormat(english ? "en-US" : "fr-CA", {
    weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: zone
  });
  var clockParts = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone
  });

  function dayText(moment) {
    if (english) return dayFormat.format(moment);
    return dayFormat.formatToParts(moment).map(function (part) {
      return part.type === "day" && part.value === "1" ? "1er" : part.value;
    }).join("");
  }

  function timeText(moment) {
    var parts = {};
    clockParts.formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
    var hour = Number(parts.hour) % 24;
    var minute = parts.minute;
    if (english) return (hour % 12 || 12) + ":" + minute + " " + (hour < 12 ? "AM" : "PM");
    return hour + "\u00a0h" + (minute === "00" ? "" : "\u00a0" + minute);
  }

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

  function notice(text, withReload) {
    var box = document.querySelector("[data-notices]");
    if (!box) return;
    var item = el("p", "flash-item", text);
    item.setAttribute("role", "status");
    if (withReload) {
      var button = el("button", "button button-quiet", strings.reload);
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
    var list = data.answer === "yes" && data.waiting ? "waiting" : data.answer;
    Array.prototype.forEach.call(document.querySelectorAll("[data-names] [data-member]"), function (item) {
      if (Number(item.getAttribute("data-member")) === data.member.id) item.parentNode.removeChild(item);
    });
    var target = document.querySelector('[data-names="' + list + '"]');
    if (target) {
      var none = target.querySelector("[data-none]");
      if (none) none.parentNode.removeChild(none);
      var item = el("li", "", data.member.display_name);
      item.setAttribute("data-member", String(data.member.id));
      target.appendChild(item);
    }
  }

  function showCounts(counts) {
    Object.keys(counts).forEach(function (key) {
      var node = document.querySelector('[data-count="' + key + '"]');
      if (node) node.textContent = String(counts[key]);
    });
  }

  function rsvpChanged(data) {
    if (!onThisPage(data.meeting)) return;
    showCounts(data.counts);
    placeName(data);
    if (data.member.id === me) {
      if (data.promoted) notice(strings.you_promoted, true);
      return;
    }
    var key = data.promoted ? "promoted" : "answered";
    notice(fill(strings[key], { name: data.member.display_name, answer: answerLabel(data.answer, data.waiting) }));
  }

  // --- meetings -----------------------------------------------------------------------------
  function whenText(meeting) {
    var start = new Date(meeting.starts_at);
    var end = new Date(meeting.ends_at);
    return fill(strings.when, { day: dayText(start), start: timeText(start), end: timeText(end) });
  }

  function scheduled(data) {
    var list = document.querySelector("[data-meeting-list]");
    if (!list || document.getElementById("meeting-" + data.meeting.id)) return;
    var empty = list.querySelector("[data-empty]");
    if (empty) empty.parentNode.removeChild(empty);
    var item = el("li", "card meeting-item");
    item.id = "meeting-" + data.meeting.id;
    item.setAttribute("data-meeting-id", String(data.meeting.id));
    var heading = el("h3");
    var link = el("a", "", data.meeting.title);
    link.href = String(config.meeting_url || "").replace("999999999", String(data.meeting.id));
    heading.appendChild(link);
    item.appendChild(heading);
    var time = el("time", "", whenText(data.meeting));
    time.setAttribute("datetime", data.meeting.starts_at);
    var meta = el("p", "meta");
    meta.appendChild(time);
    item.appendChild(meta);
    // Keep the list in start order.
    var before = Array.prototype.find.call(list.children, function (other) {
      var t = other.querySelector("time");
      return t && t.getAttribute("datetime") > data.meeting.starts_at;
    });
    list.insertBefore(item, before || null);
    notice(fill(strings.scheduled, { title: data.meeting.title }));
  }

  function updated(data) {
    if (onThisPage(data.meeting.id)) notice(strings.updated_here, true);
    var item = document.getElementById("meeting-" + data.meeting.id);
    if (item) {
      var link = item.querySelector("h3 a");
      if (link) link.textContent = data.meeting.title;
      var time = item.querySelector("time");
      if (time) { time.textContent = whenText(data.meeting); time.setAttribute("datetime", data.meeting.starts_at); }
    }
  }

  function cancelled(data) {
    var item = document.getElementById("meeting-" + data.meeting.id);
    if (item) item.classList.add("is-cancelled");
    if (!onThisPage(data.meeting.id)) return;
    var banner = document.querySelector("[data-cancelled]");
    if (banner) {
      banner.hidden = false;
      banner.className = "form-errors";
      banner.textContent = strings.cancelled_here;
    }
    var form = document.querySelector('form[action$="/reponse/"]');
    if (form) form.hidden = true;
  }

  window.espaceLiveHandlers = window.espaceLiveHandlers || [];
  window.espaceLiveHandlers.push({
    "meeting.scheduled": scheduled,
    "meeting.updated": updated,
    "meeting.cancelled": cancelled,
    "rsvp.changed": rsvpChanged,
    "attendance.recorded": function (data) {
      if (onThisPage(data.meeting)) notice(strings.attendance_here, true);
    }
  });
})();
