/*
 * The open date polls of the space page and the meetings list, kept current live: a poll
 * that opens appears, each answer updates its count, a poll that closes leaves the list.
 * Registers handlers that live.js (loaded after this file) calls for each event of the space
 * (window.espaceLiveHandlers); the list is server-rendered and works without either script.
 */
(function () {
  "use strict";

  var node = document.getElementById("open-polls-live");
  if (!node) return;
  var strings;
  try { strings = JSON.parse(node.textContent); } catch (e) { return; }
  var plural = new Intl.PluralRules((document.documentElement.lang || "fr").indexOf("en") === 0 ? "en-CA" : "fr-CA");

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function list() { return document.querySelector("[data-open-polls]"); }
  function section() { return document.querySelector("[data-open-polls-section]"); }
  function item(pollId) { return document.getElementById("open-poll-" + Number(pollId)); }

  function respondentsText(n) {
    return fill(strings[plural.select(n) === "one" ? "respondents_one" : "respondents_many"], { n: n });
  }

  // The page's own place for live news: the activity feed of the space page, the notices of
  // the meetings list.
  function announce(text) {
    var feed = document.querySelector("[data-live-region]");
    var line;
    if (feed) {
      line = document.createElement("li");
      line.textContent = text;
      feed.insertBefore(line, feed.firstChild);
      return;
    }
    var box = document.querySelector("[data-notices]");
    if (!box) return;
    line = document.createElement("p");
    line.className = "flash-item";
    line.setAttribute("role", "status");
    line.textContent = text;
    box.appendChild(line);
  }

  function opened(data) {
    var target = list();
    if (!target || item(data.poll.id)) return;
    var row = document.createElement("li");
    row.id = "open-poll-" + Number(data.poll.id);
    row.setAttribute("data-open-poll", String(Number(data.poll.id)));
    var link = document.createElement("a");
    link.href = String(strings.poll_url).replace("999999999", String(Number(data.poll.id)));
    link.textContent = data.poll.title;
    var count = document.createElement("span");
    count.className = "muted";
    count.setAttribute("data-poll-respondents", "");
    count.textContent = respondentsText(0);
    row.appendChild(link);
    row.appendChild(document.createTextNode(" "));
    row.appendChild(count);
    target.appendChild(row);  // opened last, so listed last, as the server orders them
    var box = section();
    if (box) box.hidden = false;
    announce(fill(strings.opened, { title: data.poll.title }));
  }

  function voted(data) {
    var row = item(data.poll);
    var count = row && row.querySelector("[data-poll-respondents]");
    if (count) count.textContent = respondentsText(Number(data.respondents) || 0);
  }

  function closed(data) {
    var row = item(data.poll.id);
    if (!row) return;
    row.parentNode.removeChild(row);
    var target = list();
    var box = section();
    if (box && target && !target.children.length) box.hidden = true;
    announce(fill(strings.closed, { title: data.poll.title }));
  }

  window.espaceLiveHandlers = window.espaceLiveHandlers || [];
  window.espaceLiveHandlers.push({ "poll.opened": opened, "poll.voted": voted, "poll.closed": closed });
})();
