/*
 * Live results of a date poll (protocol: docs/realtime-protocol.md).
 *
 * The page works without this script: answers are a plain form and results are rendered by
 * the server. This only applies what others answer meanwhile (poll.voted) and the closing of
 * the poll (poll.closed). Events of a space come in seq order without gaps, so resuming from
 * the last seq seen after a disconnect loses nothing.
 *
 * Loaded with <script src defer>: the Content-Security-Policy forbids inline code, so the
 * configuration and the translated words come from JSON blocks the template renders.
 */
(function () {
  "use strict";

  function readJSON(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  var config = readJSON("poll-config");
  var strings = readJSON("poll-strings") || {};
  if (!config || !("WebSocket" in window)) return;

  var space = config.space;
  var pollId = Number(config.poll);
  var after = Number(config.after) || 0;
  var socket = null;
  var attempt = 0;
  var stopped = false;

  var statusNode = document.querySelector("[data-poll-status]");
  var region = document.querySelector("[data-poll-region]");
  var counts = document.querySelector("[data-poll-count-template]");
  var people = document.querySelector("[data-poll-people] tbody");
  var plural = new Intl.PluralRules((document.documentElement.lang || "fr").indexOf("en") === 0 ? "en-CA" : "fr-CA");

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function announce(text) {
    if (!region) return;
    var item = document.createElement("li");
    item.textContent = text;
    region.insertBefore(item, region.firstChild);
    while (region.children.length > 10) region.removeChild(region.lastElementChild);
  }

  function setCount(n) {
    if (!statusNode || !counts) return;
    var template = plural.select(n) === "one" ? counts.getAttribute("data-one") : counts.getAttribute("data-many");
    statusNode.textContent = fill(template, { n: n });
  }

  function slotColumns() {
    return Array.prototype.map.call(document.querySelectorAll("[data-slot-column]"), function (th) {
      return th.getAttribute("data-slot-column");
    });
  }

  function answerCell(answer) {
    var cell = document.createElement("td");
    cell.className = "answer answer-" + (answer || "");
    cell.textContent = answer ? (strings[answer] || answer) : "—";
    return cell;
  }

  // Same rule as the server (meetings/polls/selectors.py): most people free (yes or if
  // needed), then most yes.
  function markBest(tally) {
    var ranks = {};
    var top = [0, 0];
    Object.keys(tally).forEach(function (slotId) {
      var t = tally[slotId];
      var rank = [(t.yes || 0) + (t.if_needed || 0), t.yes || 0];
      ranks[slotId] = rank;
      if (rank[0] > top[0] || (rank[0] === top[0] && rank[1] > top[1])) top = rank;
    });
    Object.keys(ranks).forEach(function (slotId) {
      var row = document.querySelector('[data-slot="' + slotId + '"]');
      var badge = row && row.querySelector("[data-best-badge]");
      if (badge) badge.hidden = !(top[0] > 0 && ranks[slotId][0] === top[0] && ranks[slotId][1] === top[1]);
    });
  }

  function applyVote(data) {
    Object.keys(data.tally || {}).forEach(function (slotId) {
      var tally = data.tally[slotId];
      Object.keys(tally).forEach(function (answer) {
        var cell = document.querySelector('[data-tally="' + slotId + "-" + answer + '"]');
        if (cell) cell.textContent = String(tally[answer]);
      });
    });
    setCount(Number(data.respondents) || 0);
    markBest(data.tally || {});
    if (people && data.voter) {
      var row = people.querySelector('[data-person="' + Number(data.voter.id) + '"]');
      var fresh = document.createElement("tr");
      fresh.setAttribute("data-person", String(Number(data.voter.id)));
      var name = document.createElement("th");
      name.setAttribute("scope", "row");
      name.textContent = data.voter.display_name;
      fresh.appendChild(name);
      slotColumns().forEach(function (slotId) { fresh.appendChild(answerCell(data.answers[slotId])); });
      if (row) people.replaceChild(fresh, row); else people.appendChild(fresh);
    }
    if (data.voter && Number(data.voter.id) !== Number(config.me)) {
      announce(fill(strings.voted, { name: data.voter.display_name }));
    }
  }

  function applyClosed(data) {
    var notice = document.querySelector("[data-poll-closed-notice]");
    var withDate = document.querySelector("[data-closed-with-date]");
    var withoutDate = document.querySelector("[data-closed-without-date]");
    var dated = !!data.slot;
    if (notice) notice.hidden = false;
    if (withDate) withDate.hidden = !dated;
    if (withoutDate) withoutDate.hidden = dated;
    var vote = document.querySelector("[data-poll-vote]");
    if (vote) vote.hidden = true;
    Array.prototype.forEach.call(document.querySelectorAll("[data-best-badge]"), function (badge) { badge.hidden = true; });
    var manage = document.querySelector("[data-poll-manage]");
    if (manage) manage.hidden = true;
    var state = document.querySelector("[data-poll-state]");
    if (state) state.textContent = strings.closed_badge || state.textContent;
    if (dated) {
      var chosen = document.querySelector('[data-slot="' + Number(data.slot.id) + '"]');
      if (chosen) chosen.classList.add("chosen");
      if (withDate && config.meeting_url && data.meeting && !withDate.querySelector("[data-poll-meeting-link]")) {
        var link = document.createElement("a");
        link.href = config.meeting_url.replace("999999999", String(Number(data.meeting)));
        link.setAttribute("data-poll-meeting-link", "");
        link.textContent = strings.see_meeting || "";
        withDate.appendChild(document.createTextNode(" "));
        withDate.appendChild(link);
      }
    }
    announce(dated ? strings.closed : strings.closed_without_date);
    stop();
  }

  function onFrame(frame) {
    if (frame.type === "event" && frame.space === space) {
      if (frame.seq <= after) return;  // already shown (replayed twice after a reconnect)
      after = frame.seq;
      if (frame.kind === "poll.voted" && Number(frame.data.poll) === pollId) applyVote(frame.data);
      else if (frame.kind === "poll.closed" && Number(frame.data.poll.id) === pollId) applyClosed(frame.data);
    } else if (frame.type === "subscribed" && frame.space === space) {
      if (statusNode) statusNode.setAttribute("data-live", "on");
    } else if (frame.type === "resync" && frame.space === space) {
      if (frame.reason === "too_slow") subscribe();
      else { announce(strings.resync); stop(); }
    } else if (frame.type === "error" && frame.space === space) {
      stop();
    }
  }

  function subscribe() {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "subscribe", space: space, after: after }));
    }
  }

  function stop() {
    stopped = true;
    if (socket) { var closing = socket; socket = null; closing.close(); }
  }

  function connect() {
    if (stopped) return;
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var current = new WebSocket(scheme + "//" + window.location.host + "/ws/");
    socket = current;
    current.addEventListener("open", function () { attempt = 0; subscribe(); });
    current.addEventListener("message", function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      onFrame(frame);
    });
    current.addEventListener("close", function () {
      if (socket !== current) return;
      socket = null;
      if (statusNode) statusNode.removeAttribute("data-live");
      if (stopped) return;
      attempt += 1;
      window.setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, attempt - 1)));
    });
  }

  connect();
})();
