/*
 * Documents, live: the folder browser's rows, and the cards of documents attached to
 * messages. The markup is the server's (documents/includes/card.html, documents/browser.html),
 * so a row or card added here cannot be told from one the page came with.
 */
import { on } from "./core.js";
import { announce, config, dateFormat, el, fill, locale, readJSON, strings, urlFor } from "./page.js";

const folderId = config.folder === null || config.folder === undefined ? null : Number(config.folder);
const documentRows = document.querySelector("[data-document-rows]");
const folderRows = document.querySelector("[data-folder-rows]");
const typeNames = readJSON("document-types") || {};
const sizeUnits = String(strings.size_units || "o,ko,Mo,Go,To").split(",");
const sizeFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });

// As the server's filesize filter: binary multiples, "1,5 Mo".
function sizeText(size) {
  let value = Number(size) || 0;
  let unit = 0;
  while (value >= 1024 && unit < sizeUnits.length - 1) { value /= 1024; unit += 1; }
  return (unit ? sizeFormat.format(Math.round(value * 10) / 10) : String(value)) + "\u00a0" + sizeUnits[unit];
}

// An icon of the sprite, from the page's templates (decorative, hidden from screen readers).
function spriteIcon(id) {
  const template = document.getElementById(id);
  return template ? template.content.firstElementChild.cloneNode(true) : document.createTextNode("");
}

// --- cards of attached documents ----------------------------------------------------------
function cardMeta(card) {
  return (typeNames[card.content_type] || card.content_type) + ", " + sizeText(card.size);
}

function renderCard(item, card) {
  item.textContent = "";
  item.classList.toggle("is-deleted", !!card.deleted);
  if (card.deleted) { item.appendChild(el("span", "attachment-gone", strings.document_gone)); return; }
  const icon = el("span", "attachment-icon");
  icon.appendChild(spriteIcon("icon-file"));
  const title = el("a", "attachment-title", card.title);
  title.href = card.url;
  title.setAttribute("data-slot", "card-title");
  const download = el("a", "attachment-download", strings.download);
  download.href = card.download_url;
  download.setAttribute("download", "");
  download.appendChild(el("span", "visually-hidden", " " + card.title));
  [icon, title, el("span", "muted", cardMeta(card)), download].forEach((part, index) => {
    if (index) item.appendChild(document.createTextNode(" "));
    item.appendChild(part);
  });
}

function cardNode(card) {
  const item = el("li", "attachment-card");
  if (card.id) item.setAttribute("data-document-card", String(card.id));
  renderCard(item, card);
  return item;
}

/** The cards of a message built live (thread.js), in its attachments slot. */
export function fillCards(item, cards) {
  const list = item.querySelector('[data-slot="attachments"]');
  if (!list) return;
  list.textContent = "";
  cards.forEach((card) => list.appendChild(cardNode(card)));
  list.hidden = cards.length === 0;
}

// A document event: every card of it on the page shows what it now is (a trashed one only
// that it is gone).
function updateCards(doc, purged) {
  document.querySelectorAll('[data-document-card="' + doc.id + '"]').forEach((item) => {
    const version = doc.version || { content_type: "", size: 0 };
    renderCard(item, purged || doc.deleted ? { deleted: true } : {
      id: doc.id, title: doc.title, content_type: version.content_type, size: version.size,
      url: urlFor("document_url", doc.id), download_url: urlFor("download_url", doc.id)
    });
    if (purged) item.removeAttribute("data-document-card");
  });
}

// --- the folder browser -------------------------------------------------------------------
function cell(row, text) {
  const node = el("td", "", text);
  row.appendChild(node);
  return node;
}

function dayNode(iso) {
  const node = el("time", "", dateFormat.format(new Date(iso)));
  node.setAttribute("datetime", iso.slice(0, 10));
  return node;
}

function showEmpty() {
  const empty = document.querySelector("[data-empty]");
  if (empty) empty.hidden = !!(documentRows.children.length || folderRows.children.length);
}

function removeRow(id) {
  const row = document.getElementById(id);
  if (!row) return;
  // Focus must not vanish with the row: it goes to the table's heading cell.
  if (row.contains(document.activeElement)) {
    const heading = document.querySelector("[data-folder-browser] thead th");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }
  row.remove();
  showEmpty();
}

function sortedInsert(body, row, key) {
  const after = Array.prototype.find.call(body.children,
    (other) => other.getAttribute("data-sort").localeCompare(key, locale) > 0);
  body.insertBefore(row, after || null);
}

function documentRow(doc) {
  const row = document.getElementById("document-" + doc.id) || el("tr", "is-new");
  row.id = "document-" + doc.id;
  row.setAttribute("data-document-id", String(doc.id));
  row.setAttribute("data-sort", doc.title.toLowerCase());
  row.textContent = "";
  const heading = el("th");
  heading.setAttribute("scope", "row");
  const link = el("a", "", doc.title);
  link.href = urlFor("document_url", doc.id);
  link.setAttribute("data-slot", "title");
  heading.appendChild(link);
  row.appendChild(heading);
  const version = doc.version || { content_type: "", size: 0, created_at: doc.created_at };
  cell(row, typeNames[version.content_type] || version.content_type);
  cell(row, sizeText(version.size));
  cell(row, doc.uploader ? (doc.uploader.label || doc.uploader.display_name) : "");
  cell(row, "").appendChild(dayNode(version.created_at));
  return row;
}

function showDocument(doc, announceIt) {
  if (!documentRows) return;
  const here = !doc.deleted && (doc.folder || 0) === folderId;
  if (!here) {
    const old = document.getElementById("document-" + doc.id);
    if (old) { removeRow(old.id); announce(fill(strings.document_removed, { title: doc.title })); }
    return;
  }
  const known = document.getElementById("document-" + doc.id);
  const row = documentRow(doc);
  if (!known || known.getAttribute("data-sort") !== row.getAttribute("data-sort")) {
    sortedInsert(documentRows, row, row.getAttribute("data-sort"));
  }
  showEmpty();
  if (announceIt && !known) announce(fill(strings.document_added, { title: doc.title }));
}

function showFolder(folder, announceIt) {
  const crumb = document.querySelector('[data-folder-crumb="' + folder.id + '"]');
  if (crumb) crumb.textContent = folder.name;
  if (folder.id === folderId) {
    const title = document.querySelector("[data-folder-title]");
    if (title) title.textContent = folder.name;
  }
  if (!folderRows) return;
  if ((folder.parent || 0) !== folderId) { removeRow("folder-" + folder.id); return; }
  const known = document.getElementById("folder-" + folder.id);
  const row = known || el("tr", "is-new");
  row.id = "folder-" + folder.id;
  row.setAttribute("data-folder-id", String(folder.id));
  row.setAttribute("data-sort", folder.name.toLowerCase());
  row.textContent = "";
  const heading = el("th");
  heading.setAttribute("scope", "row");
  const link = el("a", "");
  link.href = urlFor("folder_url", folder.id);
  link.appendChild(spriteIcon("icon-folder"));
  link.appendChild(document.createTextNode(folder.name));
  heading.appendChild(link);
  row.appendChild(heading);
  cell(row, strings.folder_kind);
  cell(row, "");
  cell(row, "");
  cell(row, "").appendChild(dayNode(folder.created_at));
  sortedInsert(folderRows, row, row.getAttribute("data-sort"));
  showEmpty();
  if (announceIt && !known) announce(fill(strings.folder_added, { name: folder.name }));
}

if (documentRows) {
  // The rows the server rendered sort the same way as the ones added here.
  document.querySelectorAll("[data-document-rows] tr, [data-folder-rows] tr").forEach((row) => {
    const link = row.querySelector("th a");
    row.setAttribute("data-sort", (link ? link.textContent : "").trim().toLowerCase());
  });
}

const announced = ["document.created", "document.restored", "document.moved"];
["document.created", "document.version_added", "document.version_restored", "document.renamed",
  "document.described", "document.moved", "document.deleted", "document.restored"].forEach((kind) => {
  on(kind, (data) => {
    updateCards(data.document, false);
    showDocument(data.document, announced.includes(kind));
  });
});
on("document.purged", (data) => {
  updateCards(data.document, true);
  removeRow("document-" + data.document.id);
});
on("folder.created", (data) => showFolder(data.folder, true));
on("folder.renamed", (data) => showFolder(data.folder, false));
on("folder.moved", (data) => showFolder(data.folder, false));
on("folder.deleted", (data) => removeRow("folder-" + data.folder.id));
// Who may upload changed: the page's upload form is the server's to show or hide, on the
// next load; nothing shown here depends on it.
on("document_settings.changed", () => {});
