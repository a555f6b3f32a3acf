/*
 * Read positions: messages that arrive while the thread is in view are read, and the server
 * (so the person's other devices) is told shortly after, once for a burst. A report lost to
 * the network or a busy server is sent again with backoff rather than dropped.
 */
import { isStopped } from "./core.js";
import { config } from "./page.js";
import { post } from "./post.js";
import { clearProblem } from "./status.js";

let unreadUpTo = 0;
let readTimer = null;
let readFailures = 0;

export function markRead(id, delay) {
  if (!config.read_url) return;
  unreadUpTo = Math.max(unreadUpTo, id);
  if (document.visibilityState !== "visible") return;
  clearTimeout(readTimer);
  readTimer = setTimeout(() => {
    const sending = unreadUpTo;
    unreadUpTo = 0;
    if (!sending) return;
    post(config.read_url, { up_to: String(sending) }).then((outcome) => {
      // Access ended or the page is out of date: its status line says so; no more reports.
      if (isStopped()) return;
      if (outcome === "done") {
        if (readFailures) clearProblem();
        readFailures = 0;
        return;
      }
      // A network failure or a busy server: the position is kept and sent again (5, 10, 20 s,
      // then every 30 s) so the person's other devices still learn what was read.
      if (outcome === "later") {
        readFailures += 1;
        markRead(sending, Math.min(30000, 5000 * Math.pow(2, readFailures - 1)));
      }
    });
  }, delay || 800);
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && unreadUpTo) markRead(unreadUpTo);
});
