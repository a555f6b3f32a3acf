/*
 * A socket the server refuses at its handshake (the session has ended: signed out in another
 * tab, expired) closes exactly like one a network dropped: the page cannot read why. So after
 * the second failed attempt in a row the page asks the server whether the person is still
 * signed in, by reading the bell's counts (small, no side effect) without following
 * redirects: sent to the sign-in page, the session is over and retrying forever would only
 * hammer the server. A network error keeps the retries going (offline is what they are for).
 */
import { onSubscribed, stop, watch } from "./core.js";
import { readJSON, strings } from "./page.js";

const bell = readJSON("inbox-live");

let failures = 0;
let checking = false;

function signedOut(response) {
  return response.type === "opaqueredirect" || response.status === 401 || response.status === 403;
}

onSubscribed(() => { failures = 0; });

watch((state) => {
  if (state !== "reconnecting" || !bell || !bell.counts_url) return;
  failures += 1;
  if (failures < 2 || checking) return;
  checking = true;
  fetch(bell.counts_url, { redirect: "manual", credentials: "same-origin", cache: "no-store",
    headers: { Accept: "application/json" } })
    .then((response) => { if (signedOut(response)) stop(strings.session_ended || ""); })
    .catch(() => {})
    .finally(() => { checking = false; });
});
