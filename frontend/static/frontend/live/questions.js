/*
 * Questions and committees on a live page. When the answer of the question being read is
 * marked, changed or unmarked elsewhere, the page says so and offers to reload it (the
 * answer shown first is server-rendered). Committee membership events need nothing on these
 * pages (a committee's own page is a space page); committees.js follows the rest.
 */
import { on } from "./core.js";
import { announce, el } from "./page.js";

const section = document.querySelector("[data-question-answer]");

on("question.answered", (data) => {
  if (!section || String(data.thread) !== section.dataset.thread) return;
  const text = section.dataset.changedText;
  announce(text);
  if (section.querySelector("[data-answer-changed]")) return;
  const notice = el("p", "notice");
  notice.setAttribute("data-answer-changed", "");
  notice.appendChild(document.createTextNode(text + " "));
  const link = el("a", "", section.dataset.reloadText);
  link.href = window.location.pathname + "#reponse-acceptee";
  link.addEventListener("click", (event) => { event.preventDefault(); window.location.reload(); });
  notice.appendChild(link);
  section.appendChild(notice);
});

for (const kind of ["committee.created", "committee.member_added", "committee.member_removed",
  "committee.visibility_changed"]) {
  on(kind, () => {});
}
