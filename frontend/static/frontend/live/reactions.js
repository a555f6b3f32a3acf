/*
 * Reactions on messages: the chips follow reaction.added and reaction.removed, and a click on
 * a reaction is sent with fetch once the space subscription is confirmed, because its result
 * shows only when its event comes back over that subscription. Until then (or without this
 * script) the form is submitted the classic way and the reloaded page shows it.
 */
import { isLive, on } from "./core.js";
import { el, fill, me, strings } from "./page.js";
import { post } from "./post.js";

function labelChip(button, emoji, people) {
  const names = people.map((p) => p[1]).join(", ");
  const label = fill(strings.reaction_label, { emoji, n: people.length, names });
  button.setAttribute("aria-label", label);
  button.setAttribute("title", label);
  button.setAttribute("aria-pressed", people.some((p) => p[0] === me.id) ? "true" : "false");
  button.setAttribute("data-people", JSON.stringify(people));
  button.querySelector(".reaction-count").textContent = String(people.length);
}

function newChip(emoji) {
  const item = el("li");
  const button = el("button", "reaction");
  button.type = "submit";
  button.name = "emoji";
  button.value = emoji;
  const icon = el("span", "", emoji);
  icon.setAttribute("aria-hidden", "true");
  const count = el("span", "reaction-count");
  count.setAttribute("aria-hidden", "true");
  button.appendChild(icon);
  button.appendChild(document.createTextNode(" "));
  button.appendChild(count);
  item.appendChild(button);
  return item;
}

function applyReaction(data, added) {
  const item = document.getElementById("message-" + data.message);
  const list = item && item.querySelector('[data-slot="reactions"]');
  if (!list) return;
  let button = Array.prototype.find.call(list.querySelectorAll("button.reaction"), (b) => b.value === data.emoji);
  let people = button ? JSON.parse(button.getAttribute("data-people") || "[]") : [];
  people = people.filter((p) => p[0] !== data.user.id);
  if (added) people.push([data.user.id, (data.user.label || data.user.display_name)]);
  if (!people.length) {
    if (button) {
      const hadFocus = button === document.activeElement;
      button.parentNode.remove();
      if (hadFocus) {
        const summary = item.querySelector(".reaction-picker summary");
        if (summary) summary.focus();
      }
    }
    return;
  }
  if (!button) {
    const chip = newChip(data.emoji);
    list.appendChild(chip);
    button = chip.querySelector("button");
  }
  labelChip(button, data.emoji, people);
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest && event.target.closest("[data-react-form]");
  // An open socket is not enough: the subscription must be confirmed for the event to come.
  if (!form || !isLive() || !event.submitter) return;
  event.preventDefault();
  post(form.action, { emoji: event.submitter.value });
  const picker = form.querySelector("details[open]");
  if (picker) {
    picker.open = false;
    if (form.contains(document.activeElement) || document.activeElement === document.body) picker.querySelector("summary").focus();
  }
});

on("reaction.added", (data) => applyReaction(data, true));
on("reaction.removed", (data) => applyReaction(data, false));
