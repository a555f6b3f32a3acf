/*
 * The page's one websocket (protocol: docs/realtime-protocol.md).
 *
 * Every live feature registers the event kinds it cares about here; this module alone
 * connects, keeps the connection alive, resumes and dispatches, so no page holds two sockets
 * with two ideas of reconnecting. The server sends each stream's events in seq order without
 * gaps, so remembering the last seq applied is enough to resume after a disconnect without
 * losing or repeating anything.
 *
 * What the connection is doing is told to watchers (see watch) rather than written on the
 * page: the status line (status.js) and the poll results (poll.js) show it differently.
 */
import { config, me, strings } from "./page.js";

export const PERSONAL = "@me";
// The protocol version this client speaks, asked for as the websocket's subprotocol: under
// it the server may send several events of a stream as one "batch" frame.
const PROTOCOL = "espace.v2";
export const space = config.space || null;

// Last seq applied per stream: the space's, and the person's own (read positions, mentions).
const seqs = new Map();
const handlers = { space: new Map(), personal: new Map(), others: new Map() };
// Other streams a page follows besides its space's (a space page follows the committees the
// person is in): stream -> kind -> handlers. Their refusals only end that stream.
const others = new Map();
const hints = new Map();
const watchers = [];
let socket = null;
let attempt = 0;
let retryTimer = null;
let pingTimer = null;
let stopped = false;
// The server has confirmed the space subscription: until then it refuses typing hints, and an
// action's result (which comes back as an event) might never arrive.
let spaceLive = false;

function add(table, key, handler) {
  if (!table.has(key)) table.set(key, []);
  table.get(key).push(handler);
}

/** Call handler(data) for each event of this kind on the space's stream. */
export function on(kind, handler) { add(handlers.space, kind, handler); }

/** Call handler(data) for each event of this kind on the person's own stream. */
export function onPersonal(kind, handler) { add(handlers.personal, kind, handler); }

/**
 * Call handler(data, stream) for each event of this kind on any followed space stream other
 * than the page's own space (the counts of my other spaces: see follow).
 */
export function onOtherSpaces(kind, handler) { add(handlers.others, kind, handler); }

/**
 * Follow one more stream on the page's socket from seq ``after`` (the head the page was
 * rendered with, so nothing between the render and the subscription is lost). Safe to call
 * before or after start().
 */
export function follow(stream, after) {
  if (seqs.has(stream)) return;
  remember(stream, Number(after) || 0);
  subscribe(stream);
}

/**
 * Also follow another stream the person may read, from seq ``after`` (the head the page was
 * rendered at), calling handler(data) for its events of this kind. Call before start().
 */
export function onStream(stream, after, kind, handler) {
  if (stream === space || stream === PERSONAL) return;
  if (!others.has(stream)) {
    others.set(stream, new Map());
    remember(stream, Number(after) || 0);
  }
  add(others.get(stream), kind, handler);
}

function forget(stream) {
  others.delete(stream);
  seqs.delete(stream);
}

/** Call handler(frame) for the space's hints: "presence" and "typing" (no seq, no replay). */
export function onHint(type, handler) { add(hints, type, handler); }

/**
 * Call listener(state, detail) as the connection changes: "live" (space subscription
 * confirmed), "down" (connection lost or closed), "reconnecting" {seconds}, "problem"
 * {message}, "stopped" {message} (access ended: no more retries), "resync" (the log cannot
 * fill the gap: the page itself must be reloaded).
 */
export function watch(listener) { watchers.push(listener); }

export function isLive() { return spaceLive; }
export function isStopped() { return stopped; }

function tell(state, detail) {
  watchers.forEach((listener) => {
    try { listener(state, detail || {}); } catch (error) { console.error(error); }
  });
}

function setLive(on) {
  spaceLive = on;
  tell(on ? "live" : "down");
}

// Mirrored to sessionStorage so the position is visible to other scripts of the tab (and to
// tests); resuming always uses the in-memory value, which matches what this page shows.
function remember(stream, seq) {
  seqs.set(stream, seq);
  try { sessionStorage.setItem("espace-collaboratif:last-seq:" + stream, String(seq)); } catch (e) { /* private mode */ }
}

export function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

function subscribe(stream) {
  send({ type: "subscribe", space: stream, after: seqs.get(stream) });
}

function run(list, value) {
  // One feature's mistake must not keep the others (or the seq) from moving on.
  (list || []).forEach((handler) => {
    try { handler(value); } catch (error) { console.error(error); }
  });
}

function onEvent(frame) {
  const stream = frame.space;
  if (!seqs.has(stream) || frame.seq <= seqs.get(stream)) return;
  if (stream === PERSONAL) run(handlers.personal.get(frame.kind), frame.data || {});
  else if (stream === space) run(handlers.space.get(frame.kind), frame.data || {});
  else {
    const table = others.get(stream);
    if (table) run(table.get(frame.kind), frame.data || {});
    (handlers.others.get(frame.kind) || []).forEach((handler) => {
      try { handler(frame.data || {}, stream); } catch (error) { console.error(error); }
    });
  }
  remember(stream, frame.seq);
}

function onResync(frame) {
  // The server has dropped the subscription: until it confirms a new one it refuses typing
  // hints, and its error would replace the "reload" offer on the status line.
  if (frame.space === space && spaceLive) setLive(false);
  if (frame.reason === "too_slow") subscribe(frame.space);  // the log still holds what we missed
  else if (frame.space !== space) {
    // Only counts follow these streams: start again from the head and say so, so the
    // counts are read afresh (see onCatchUp).
    remember(frame.space, frame.head || 0);
    subscribe(frame.space);
    catchUps.forEach((listener) => { try { listener(frame.space); } catch (e) { console.error(e); } });
  }
  else tell("resync");
}

const catchUps = [];
const subscribedListeners = [];

/** Call listener(stream) when the server confirms a subscription (any followed stream). */
export function onSubscribed(listener) { subscribedListeners.push(listener); }

/** Call listener(stream) when a followed stream (not the page's space) skipped events. */
export function onCatchUp(listener) { catchUps.push(listener); }

function onError(frame) {
  if (frame.space && frame.space !== space && frame.space !== PERSONAL
      && (frame.code === "forbidden" || frame.code === "not_found")) {
    // A followed stream (a space for its counts, a committee) I have just lost: stop
    // following it quietly; the page itself stays live.
    if (others.has(frame.space)) forget(frame.space);
    else seqs.delete(frame.space);
    return;
  }
  if (frame.code === "forbidden" && frame.space === space) {
    stop(frame.message || strings.access_ended);
  } else if (frame.code === "not_found" && frame.space === space) {
    // This page was served to a member, so the space exists: access ended while we were
    // disconnected (the server answers non-members as it answers unknown slugs).
    stop(strings.access_ended);
  } else if (frame.code === "unauthenticated") {
    stop(frame.message);
  } else {
    tell("problem", { message: frame.message });
  }
}

function onFrame(frame) {
  switch (frame.type) {
    case "subscribed":
      if (frame.space === space) { attempt = 0; setLive(true); }
      if (frame.space === PERSONAL) attempt = 0;
      subscribedListeners.forEach((listener) => { try { listener(frame.space); } catch (e) { console.error(e); } });
      break;
    case "event":
      onEvent(frame);
      break;
    case "batch":
      // Events of one stream in seq order: each is applied (or skipped as already applied)
      // exactly as if it had come alone.
      (Array.isArray(frame.events) ? frame.events : []).forEach((event) => {
        if (event && event.type === "event") onEvent(event);
      });
      break;
    case "presence":
    case "typing":
      if (frame.space === space) run(hints.get(frame.type), frame);
      break;
    case "resync":
      onResync(frame);
      break;
    case "error":
      onError(frame);
      break;
    default:
      break;  // pong and future frame types need nothing
  }
}

/** End live updates for good (access ended, page out of date), saying why. */
export function stop(message) {
  stopped = true;
  spaceLive = false;
  tell("stopped", { message });
  if (socket) socket.close();
}

function connect() {
  if (stopped) return;
  clearTimeout(retryTimer);
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const current = new WebSocket(scheme + "//" + window.location.host + "/ws/", PROTOCOL);
  socket = current;
  current.addEventListener("open", () => {
    seqs.forEach((seq, stream) => subscribe(stream));
    clearInterval(pingTimer);
    // Keeps idle proxies from closing a quiet connection.
    pingTimer = setInterval(() => send({ type: "ping" }), 25000);
  });
  current.addEventListener("message", (event) => {
    let frame;
    try { frame = JSON.parse(event.data); } catch (e) { return; }
    onFrame(frame);
  });
  current.addEventListener("close", () => {
    if (socket !== current) return;
    clearInterval(pingTimer);
    socket = null;
    setLive(false);
    if (!stopped) scheduleReconnect();
  });
}

function scheduleReconnect() {
  // Exponential backoff with jitter, capped at 30 s, so a restarting server is not stampeded.
  const delay = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.75 + Math.random() * 0.5);
  attempt += 1;
  tell("reconnecting", { seconds: Math.round(delay / 1000) });
  clearTimeout(retryTimer);
  retryTimer = setTimeout(connect, delay);
}

/** Connect once every feature has registered: the page's entry module calls this last. */
let started = false;

export function start() {
  if (!("WebSocket" in window)) return;
  if (space && !seqs.has(space)) follow(space, config.after);
  // Only pages that carry the person's stream head follow it (a poll page does not).
  if (me.id !== null && me.after !== undefined && !seqs.has(PERSONAL)) follow(PERSONAL, me.after);
  // Several entry modules may call start (the page's and the bell's): one socket.
  if (started || seqs.size === 0) return;
  started = true;
  window.addEventListener("online", () => {
    if (!socket && !stopped) { attempt = 0; connect(); }
  });
  window.addEventListener("pagehide", () => {
    if (socket) { const closing = socket; socket = null; setLive(false); closing.close(); }
    clearTimeout(retryTimer);
  });
  window.addEventListener("pageshow", (event) => {
    // Restored from the back/forward cache: the page and the seqs are as they were left, so
    // resuming from them brings exactly what was missed meanwhile.
    if (event.persisted && !socket && !stopped) { attempt = 0; connect(); }
  });
  connect();
}
