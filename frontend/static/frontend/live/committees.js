/*
 * Committees on a space page, live. The space's stream says when a committee is shown to its
 * members or hidden again (committee.shown carries whether it is archived); the streams of
 * the committees the person is in say when one of them is archived or unarchived, which
 * reaches its members even while it is hidden from the rest of the space. On a committee's
 * own page, the archived notice follows its stream.
 */
import { on, onStream } from "./core.js";
import { announce, el, fill } from "./page.js";

const section = document.querySelector("[data-committees]");
const list = section && section.querySelector("[data-committee-list]");
const notice = document.querySelector("[data-archived-notice]");

function itemOf(id) {
  return list ? list.querySelector('[data-committee="' + String(id) + '"]') : null;
}

function nameOf(item) {
  const name = item && item.querySelector("[data-committee-name]");
  return name ? name.textContent : "";
}

function refreshVisibility() {
  const empty = !list.querySelector("[data-committee]");
  list.hidden = empty;
  section.hidden = empty && !section.hasAttribute("data-governor");
}

// Archived ones last, then by name, as the server orders them.
function sortItems() {
  const items = Array.prototype.slice.call(list.querySelectorAll("[data-committee]"));
  items.sort((a, b) => {
    const archived = Number(!a.querySelector("[data-archived-flag]").hidden)
      - Number(!b.querySelector("[data-archived-flag]").hidden);
    return archived || nameOf(a).localeCompare(nameOf(b), "fr-CA");
  });
  items.forEach((item) => list.appendChild(item));
}

function setArchived(item, archived) {
  const flag = item.querySelector("[data-archived-flag]");
  if (flag.hidden === !archived) return;
  flag.hidden = !archived;
  sortItems();
  announce(fill(section.dataset[archived ? "archivedText" : "unarchivedText"], { name: nameOf(item) }));
}

if (list) {
  on("committee.shown", (data) => {
    const committee = data.committee;
    let item = itemOf(committee.id);
    if (item) {
      const name = item.querySelector("[data-committee-name]");
      if (name.textContent !== committee.name) name.textContent = committee.name;
      setArchived(item, Boolean(committee.archived));
      return;
    }
    item = el("li");
    item.setAttribute("data-committee", String(committee.id));
    const name = el("span", "", committee.name);
    name.setAttribute("data-committee-name", "");
    const flag = el("span", "muted", "(" + section.dataset.archivedWord + ")");
    flag.setAttribute("data-archived-flag", "");
    flag.hidden = !committee.archived;
    item.appendChild(name);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(flag);
    list.appendChild(item);
    sortItems();
    refreshVisibility();
    announce(fill(section.dataset.shownText, { name: committee.name }));
  });

  on("committee.hidden", (data) => {
    const item = itemOf(data.committee.id);
    // Its members and the space's facilitators still see it.
    if (!item || item.hasAttribute("data-keep")) return;
    const name = nameOf(item);
    item.remove();
    refreshVisibility();
    announce(fill(section.dataset.hiddenText, { name }));
  });

  list.querySelectorAll("[data-stream]").forEach((item) => {
    const follow = (kind, archived) => onStream(item.dataset.stream, item.dataset.after, kind,
      () => setArchived(item, archived));
    follow("committee.archived", true);
    follow("committee.unarchived", false);
  });
}

if (notice) {
  const toggle = (archived) => () => {
    if (notice.hidden === !archived) return;
    notice.hidden = !archived;
    if (archived) announce(notice.textContent.trim().replace(/\s+/g, " "));
  };
  on("committee.archived", toggle(true));
  on("committee.unarchived", toggle(false));
}
