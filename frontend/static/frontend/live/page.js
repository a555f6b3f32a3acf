/*
 * What every live feature reads from the page, and the few helpers they all need.
 *
 * The Content-Security-Policy forbids inline code, so the configuration and the translated
 * sentences come from JSON blocks rendered by the template ("live-config", "live-strings").
 * Dates and counts are written here once, in the same shape as the server's pages, so a line
 * added live reads like the ones around it.
 */

export function readJSON(id) {
  const node = document.getElementById(id);
  if (!node) return null;
  try { return JSON.parse(node.textContent); } catch (e) { return null; }
}

export const config = readJSON("live-config") || {};
export const strings = readJSON("live-strings") || {};
// Stands for an id in the URLs the server hands over (frontend.queries.PLACEHOLDER_ID).
export const PLACEHOLDER = "999999999";
// The person: {id, name, after} on pages that follow their own stream, a bare id elsewhere.
export const me = config.me !== null && typeof config.me === "object"
  ? config.me : { id: config.me === undefined ? null : config.me, name: "" };
export const threadId = config.thread ? Number(config.thread) : null;

export function onSpacePage() { return threadId === null; }

const lang = document.documentElement.lang || "fr-ca";
export const locale = lang.indexOf("en") === 0 ? "en-CA" : "fr-CA";
// Same shape as the server's dates ("15 janvier 2026, 14 h 05"), in the site's time zone.
export const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "America/Toronto" });
const timeFormat = new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone: "America/Toronto" });
export const plural = new Intl.PluralRules(locale);

export function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (all, key) =>
    Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all);
}

// Like fill, but a value may be a DOM node (e.g. a <time>); text stays text.
export function fillNodes(parent, template, values) {
  String(template || "").split(/(\{\w+\})/).forEach((part) => {
    const match = /^\{(\w+)\}$/.exec(part);
    const value = match ? values[match[1]] : undefined;
    if (value instanceof Node) parent.appendChild(value);
    else if (value !== undefined) parent.appendChild(document.createTextNode(String(value)));
    else if (part) parent.appendChild(document.createTextNode(part));
  });
  return parent;
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function timeNode(iso) {
  const moment = new Date(iso);
  const node = el("time", "", dateFormat.format(moment) + ", " + timeFormat.format(moment));
  node.setAttribute("datetime", iso);
  return node;
}

// A URL of the configuration with the placeholder swapped for a real id.
export function urlFor(name, id) {
  return String(config[name] || "").split(PLACEHOLDER).join(String(id));
}

const region = document.querySelector("[data-live-region]");

// The page's live region: screen readers hear it, everyone sees the latest news first.
export function announce(text) {
  if (!region) return;
  const item = el(region.tagName === "UL" ? "li" : "p", "", text);
  if (region.tagName === "UL") region.insertBefore(item, region.firstChild);
  else region.appendChild(item);
  while (region.children.length > 15) {
    region.removeChild(region.tagName === "UL" ? region.lastElementChild : region.firstElementChild);
  }
}
