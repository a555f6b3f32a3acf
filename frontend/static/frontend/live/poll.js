/*
 * Live results of a date poll: what others answer meanwhile (poll.voted) and the closing of
 * the poll (poll.closed), over the page's one socket (core.js). The page works without it:
 * answers are a plain form and results are rendered by the server. It does nothing where the
 * page brings no poll ("live-config" without a poll id).
 */
import { on, watch } from "./core.js";
import { config, fill, me, plural, readJSON, urlFor } from "./page.js";

const pollId = config.poll ? Number(config.poll) : null;
const strings = readJSON("poll-strings") || {};
const statusNode = document.querySelector("[data-poll-status]");
const region = document.querySelector("[data-poll-region]");
const counts = document.querySelector("[data-poll-count-template]");
const people = document.querySelector("[data-poll-people] tbody");

function announce(text) {
  if (!region) return;
  const item = document.createElement("li");
  item.textContent = text;
  region.insertBefore(item, region.firstChild);
  while (region.children.length > 10) region.removeChild(region.lastElementChild);
}

function setCount(n) {
  if (!statusNode || !counts) return;
  const template = plural.select(n) === "one" ? counts.getAttribute("data-one") : counts.getAttribute("data-many");
  statusNode.textContent = fill(template, { n });
}

function slotColumns() {
  return Array.from(document.querySelectorAll("[data-slot-column]"), (th) => th.getAttribute("data-slot-column"));
}

function answerCell(answer, slotId) {
  const cell = document.createElement("td");
  // On a phone the table stacks and each cell names its column (the slot) itself.
  const column = document.querySelector(`[data-slot-column="${slotId}"]`);
  if (column) cell.setAttribute("data-label", column.textContent.trim());
  cell.className = "answer answer-" + (answer || "");
  cell.textContent = answer ? (strings[answer] || answer) : "—";
  return cell;
}

// Same rule as the server (meetings/polls/selectors.py): most people free (yes or if needed),
// then most yes.
function markBest(tally) {
  const ranks = {};
  let top = [0, 0];
  Object.keys(tally).forEach((slotId) => {
    const t = tally[slotId];
    const rank = [(t.yes || 0) + (t.if_needed || 0), t.yes || 0];
    ranks[slotId] = rank;
    if (rank[0] > top[0] || (rank[0] === top[0] && rank[1] > top[1])) top = rank;
  });
  Object.keys(ranks).forEach((slotId) => {
    const row = document.querySelector('[data-slot="' + slotId + '"]');
    const badge = row && row.querySelector("[data-best-badge]");
    if (badge) badge.hidden = !(top[0] > 0 && ranks[slotId][0] === top[0] && ranks[slotId][1] === top[1]);
  });
}

function applyVote(data) {
  Object.keys(data.tally || {}).forEach((slotId) => {
    const tally = data.tally[slotId];
    Object.keys(tally).forEach((answer) => {
      const cell = document.querySelector('[data-tally="' + slotId + "-" + answer + '"]');
      if (cell) cell.textContent = String(tally[answer]);
    });
  });
  setCount(Number(data.respondents) || 0);
  markBest(data.tally || {});
  if (people && data.voter) {
    const row = people.querySelector('[data-person="' + Number(data.voter.id) + '"]');
    const fresh = document.createElement("tr");
    fresh.setAttribute("data-person", String(Number(data.voter.id)));
    const name = document.createElement("th");
    name.setAttribute("scope", "row");
    name.textContent = (data.voter.label || data.voter.display_name);
    fresh.appendChild(name);
    slotColumns().forEach((slotId) => fresh.appendChild(answerCell(data.answers[slotId], slotId)));
    if (row) people.replaceChild(fresh, row); else people.appendChild(fresh);
  }
  if (data.voter && Number(data.voter.id) !== Number(me.id)) {
    announce(fill(strings.voted, { name: (data.voter.label || data.voter.display_name) }));
  }
}

function applyClosed(data) {
  const notice = document.querySelector("[data-poll-closed-notice]");
  const withDate = document.querySelector("[data-closed-with-date]");
  const withoutDate = document.querySelector("[data-closed-without-date]");
  const dated = !!data.slot;
  if (notice) notice.hidden = false;
  if (withDate) withDate.hidden = !dated;
  if (withoutDate) withoutDate.hidden = dated;
  const vote = document.querySelector("[data-poll-vote]");
  if (vote) vote.hidden = true;
  document.querySelectorAll("[data-best-badge]").forEach((badge) => { badge.hidden = true; });
  const manage = document.querySelector("[data-poll-manage]");
  if (manage) manage.hidden = true;
  const state = document.querySelector("[data-poll-state]");
  if (state) state.textContent = strings.closed_badge || state.textContent;
  if (dated) {
    const chosen = document.querySelector('[data-slot="' + Number(data.slot.id) + '"]');
    if (chosen) chosen.classList.add("chosen");
    if (withDate && config.meeting_url && data.meeting && !withDate.querySelector("[data-poll-meeting-link]")) {
      const link = document.createElement("a");
      link.href = urlFor("meeting_url", Number(data.meeting));
      link.setAttribute("data-poll-meeting-link", "");
      link.textContent = strings.see_meeting || "";
      withDate.appendChild(document.createTextNode(" "));
      withDate.appendChild(link);
    }
  }
  announce(dated ? strings.closed : strings.closed_without_date);
}

if (pollId !== null) {
  on("poll.voted", (data) => { if (Number(data.poll) === pollId) applyVote(data); });
  on("poll.closed", (data) => { if (Number(data.poll.id) === pollId) applyClosed(data); });
  watch((state) => {
    // data-live says the results follow others' answers (and lets tests wait for it).
    if (state === "live" && statusNode) statusNode.setAttribute("data-live", "on");
    else if ((state === "down" || state === "stopped") && statusNode) statusNode.removeAttribute("data-live");
    else if (state === "resync") announce(strings.resync);
  });
}
