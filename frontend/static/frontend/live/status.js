/*
 * The status line (data-live-status): whether the page is live, reconnecting or stopped, and
 * what to do when the event log cannot fill a gap (reload, or offer to when it would throw
 * away something the person is writing). Features that report a failure write it here too.
 */
import { isLive, watch } from "./core.js";
import { el, fill, strings } from "./page.js";

const statusNode = document.querySelector("[data-live-status]");

export function setStatus(text, problem) {
  if (!statusNode) return;
  // Being live is the normal state: it is neither shown (style.css) nor announced. Only a
  // problem (reconnecting, stopped, a reload needed) is read out, once, when it appears.
  statusNode.setAttribute("aria-live", problem ? "polite" : "off");
  statusNode.classList.toggle("is-problem", !!problem);
  statusNode.textContent = text;
}

/** After a failure cleared up: back to "live" if the page still is. */
export function clearProblem() {
  if (isLive()) setStatus(strings.connected);
}

function hasUnsavedInput() {
  const typed = Array.prototype.some.call(document.querySelectorAll("textarea, input[type=text]"),
    (field) => field.value.trim() !== "");
  // Answers chosen but not yet sent (a poll's grid, an RSVP) would be lost as well.
  const chosen = Array.prototype.some.call(document.querySelectorAll("input[type=radio], input[type=checkbox]"),
    (field) => field.checked !== field.defaultChecked);
  return typed || chosen;
}

function offerReload() {
  if (!hasUnsavedInput()) { window.location.reload(); return; }
  // Reloading now would throw away what the person is typing: let them choose when.
  if (!statusNode || statusNode.querySelector("button")) return;
  setStatus(strings.resync + " ");
  const button = el("button", "button button-quiet", strings.reload);
  button.type = "button";
  button.addEventListener("click", () => window.location.reload());
  statusNode.appendChild(button);
}

watch((state, detail) => {
  if (state === "live") setStatus(strings.connected);
  else if (state === "reconnecting") setStatus(fill(strings.reconnecting, { seconds: detail.seconds }), true);
  else if (state === "problem" || state === "stopped") setStatus(detail.message, true);
  else if (state === "resync") offerReload();
});
