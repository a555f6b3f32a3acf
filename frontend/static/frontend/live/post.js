/*
 * Small actions sent with fetch (a reaction, a read position) whose effect comes back as an
 * event over the socket. Each resolves to "done", "later" (network down, server busy: worth
 * sending again) or "refused"; a failure is said on the status line unless live updates have
 * stopped, whose reason stays there.
 */
import { isStopped } from "./core.js";
import { strings } from "./page.js";
import { setStatus } from "./status.js";

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

export function post(url, fields) {
  return fetch(url, {
    method: "POST", body: new URLSearchParams(fields), credentials: "same-origin",
    headers: { "X-Requested-With": "fetch", "X-CSRFToken": csrfToken() }
  }).then((response) => {
    if (response.ok) return "done";
    if (isStopped()) return "refused";
    const outcome = response.status >= 500 || response.status === 429 ? "later" : "refused";
    return response.json().then((data) => { setStatus(data.message, true); return outcome; },
      () => { setStatus(strings.action_failed, true); return outcome; });
  }, () => {
    if (!isStopped()) setStatus(strings.action_failed, true);
    return "later";
  });
}
