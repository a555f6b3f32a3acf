/*
 * The space's people and the person's own notices: who joined, left or changed role (on the
 * space page's activity feed), a mention of the person from any of their spaces, and the end
 * of their access, said at once rather than after the server closes the stream.
 */
import { on, onPersonal, space, stop } from "./core.js";
import { announce, el, fill, onSpacePage, strings } from "./page.js";
import { threadUrl } from "./threads.js";

const notices = document.querySelector("[data-notices]");

function notify(text, href) {
  announce(text);
  if (!notices) return;
  const item = el("p", "notice mention-notice");
  item.appendChild(document.createTextNode(text + " "));
  if (href) {
    const link = el("a", "", strings.see_message);
    link.href = href;
    item.appendChild(link);
  }
  notices.insertBefore(item, notices.firstChild);
  while (notices.children.length > 3) notices.removeChild(notices.lastElementChild);
}

function onSpaceFeed(key, values) {
  if (onSpacePage()) announce(fill(strings[key], values));
}

on("member.joined", (data) => onSpaceFeed("member_joined", { name: (data.member.label || data.member.display_name) }));
on("member.left", (data) => onSpaceFeed("member_left", { name: (data.member.label || data.member.display_name) }));
on("member.removed", (data) => onSpaceFeed("member_removed", { name: (data.member.label || data.member.display_name) }));
on("member.role_changed", (data) => onSpaceFeed("role_changed", {
  name: (data.member.label || data.member.display_name), role: strings["role_" + data.role] || data.role
}));
// Nothing on these pages shows spaces or pending invitations; listed so that every kind of
// communities/events.py has a deliberate answer somewhere in these modules.
on("space.created", () => {});
on("invitation.sent", () => {});

// The server also ends the stream (error frame or close); this says why at once.
onPersonal("membership.ended", (data) => { if (data.space === space) stop(strings.access_ended); });
onPersonal("account.deactivated", () => stop(strings.access_ended));
onPersonal("mention.created", (data) => {
  const key = data.everyone ? "mentioned_all" : "mentioned";
  notify(fill(strings[key], { name: (data.by.label || data.by.display_name), title: data.thread.title }),
    threadUrl(data.thread.id, data.space) + "#message-" + data.message);
});
