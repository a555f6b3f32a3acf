"""Every page a member, a facilitator or staff can reach, in Chromium at a small phone
(320×640), a common phone (390×844) and a laptop (1366×768): each answers 200 without a
detour, nothing scrolls sideways (WCAG 1.4.10), axe-core finds nothing, and on phones the
header stays compact and the page's title starts within the first 150 px.

One server, one browser and one signed-in context per persona serve every page; a page is
opened once and checked at each size by resizing the window. The failure lists every page that
fails, not the first. A GET route of ``frontend/urls.py`` that is neither visited here nor
excluded below with its reason fails ``test_every_route_is_visited_or_excluded``: a new page
is one line in ``PAGES``."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, reverse

from communities.models import Membership, Role, Space, User
from communities.services.committees import create_committee
from communities.services.discussion import post_message, start_thread
from communities.services.moderation import delete_message, edit_message
from communities.services.spaces import invite_member
from decisions.services.records import create_action, record_decision
from docs_store.services import add_version, create_folder, delete_document, upload_document
from emails import unsubscribe
from emails.joinlinks import issue_link
from emails.notifications import collect
from frontend import urls as frontend_urls
from meetings.models import MeetingMode
from meetings.services.attendance import record_attendance
from meetings.services.polls import open_poll, vote
from meetings.services.rsvp import answer_meeting
from meetings.services.scheduling import record_held_meeting, schedule_meeting
from tests.browser.conftest import SCREENSHOTS, assert_accessible, new_page, sign_in
from tests.browser.screens import whole_page_screenshot
from tests.clients import Personas
from tests.conftest import People
from tests.meetings.conftest import in_days

pytestmark = pytest.mark.browser

VIEWPORTS = {"320×640": (320, 640), "390×844": (390, 844), "1366×768": (1366, 768)}
SHOTS = SCREENSHOTS / "every-page"
# The pages a member opens most, photographed whole at a phone's and a laptop's size to be
# looked at (var/screenshots/every-page/).
PHOTOGRAPHED = {"my-spaces", "space", "thread", "meeting", "poll", "documents", "inbox",
                "directory", "profile", "decisions:register"}

ANONYMOUS, MEMBER, FACILITATOR, STAFF = "anonymous", "member", "facilitator", "staff"

# A word and an address longer than any phone is wide: they must wrap, not push the page.
LONG_WORD = "Anticonstitutionnellement-intermunicipalisation-réglementaire"
LONG_URL = ("https://www.donneesquebec.ca/recherche/dataset/accessibilite-universelle-des-"
            "parcs-et-espaces-verts-municipaux-inventaire-2026?format=csv&region=outaouais")


@dataclass
class Site:
    """What the pages show: a space with some life in every part of it."""

    slug: str
    thread: int
    question: int
    message: int
    edited: int
    other_message: int
    removable: int
    folder: int
    document: int
    meeting: int
    held: int
    poll: int
    decision: int
    action: int
    committee: str
    person: int
    invitation: str
    join: str
    unsubscribe: str


@dataclass(frozen=True)
class Visit:
    """One page: its URL name, who opens it, its arguments from the site, a query string
    (``{field}`` filled from the site), the status it answers with."""

    name: str
    who: str
    args: Callable[[Site], list[object]] = lambda site: []
    query: str = ""
    status: int = 200

    def path(self, site: Site) -> str:
        return reverse(self.name, args=self.args(site)) + self.query.format(**vars(site))

    def label(self) -> str:
        return f"{self.name} ({self.who})"


def slug(site: Site) -> list[object]:
    return [site.slug]


PAGES = [
    Visit("login", ANONYMOUS),
    Visit("account_request_login_code", ANONYMOUS),
    Visit("account_reset_password", ANONYMOUS),
    Visit("account_reset_password_done", ANONYMOUS),
    Visit("account_reset_password_from_key_done", ANONYMOUS),
    Visit("account_email_verification_sent", ANONYMOUS),
    Visit("account_inactive", ANONYMOUS),
    Visit("account_signup", ANONYMOUS),
    Visit("socialaccount_login_cancelled", ANONYMOUS),
    # A failed sign-in through the organisation says so with 401, on a page of its own.
    Visit("socialaccount_login_error", ANONYMOUS, status=401),
    Visit("accept-invitation", ANONYMOUS, lambda s: [s.invitation]),
    Visit("emails:join", ANONYMOUS, lambda s: [s.join]),
    Visit("emails:unsubscribe", ANONYMOUS, lambda s: [s.unsubscribe]),
    Visit("my-spaces", MEMBER),
    Visit("space", MEMBER, slug),
    Visit("thread", MEMBER, lambda s: [s.slug, s.thread]),
    Visit("message-edit", MEMBER, lambda s: [s.slug, s.message]),
    Visit("message-delete", MEMBER, lambda s: [s.slug, s.message]),
    Visit("message-history", MEMBER, lambda s: [s.slug, s.edited]),
    Visit("search", MEMBER, query="?q=parcs"),
    Visit("members", MEMBER, slug),
    Visit("leave-space", MEMBER, slug),
    Visit("documents", MEMBER, slug),
    Visit("documents-folder", MEMBER, lambda s: [s.slug, s.folder]),
    Visit("document", MEMBER, lambda s: [s.slug, s.document]),
    Visit("meetings", MEMBER, slug),
    Visit("meeting", MEMBER, lambda s: [s.slug, s.meeting]),
    Visit("polls", MEMBER, slug),
    Visit("poll", MEMBER, lambda s: [s.slug, s.poll]),
    Visit("committees", MEMBER, slug),
    Visit("questions", MEMBER, slug),
    Visit("calendar-feed-page", MEMBER),
    Visit("emails:preferences", MEMBER),
    Visit("account-security", MEMBER),
    Visit("password-change", MEMBER),
    Visit("account_email", MEMBER),
    Visit("account_reauthenticate", MEMBER),
    Visit("account_request_reauthentication_code", MEMBER),
    Visit("account_logout", MEMBER),
    Visit("socialaccount_connections", MEMBER),
    Visit("inbox", MEMBER),
    Visit("directory", MEMBER),
    Visit("space-directory", MEMBER, slug),
    Visit("profile", MEMBER, lambda s: [s.person]),
    Visit("profile-contact", MEMBER, lambda s: [s.person]),
    Visit("profile-edit", MEMBER),
    Visit("decisions:register", MEMBER, slug),
    Visit("posting-address", MEMBER, slug),
    Visit("space", FACILITATOR, slug),
    Visit("thread", FACILITATOR, lambda s: [s.slug, s.thread]),
    Visit("thread-rename", FACILITATOR, lambda s: [s.slug, s.thread]),
    Visit("members", FACILITATOR, slug),
    Visit("remove-member", FACILITATOR, lambda s: [s.slug, s.removable]),
    Visit("documents", FACILITATOR, slug),
    Visit("document", FACILITATOR, lambda s: [s.slug, s.document]),
    Visit("document-upload", FACILITATOR, slug),
    Visit("document-edit", FACILITATOR, lambda s: [s.slug, s.document]),
    Visit("document-delete", FACILITATOR, lambda s: [s.slug, s.document]),
    Visit("folder-edit", FACILITATOR, lambda s: [s.slug, s.folder]),
    Visit("folder-delete", FACILITATOR, lambda s: [s.slug, s.folder]),
    Visit("documents-trash", FACILITATOR, slug),
    Visit("documents-empty-trash", STAFF, slug),
    Visit("documents-settings", FACILITATOR, slug),
    Visit("meeting", FACILITATOR, lambda s: [s.slug, s.meeting]),
    Visit("meeting-schedule", FACILITATOR, slug),
    Visit("meeting-edit", FACILITATOR, lambda s: [s.slug, s.meeting]),
    Visit("meeting-cancel", FACILITATOR, lambda s: [s.slug, s.meeting]),
    Visit("meeting-attendance", FACILITATOR, lambda s: [s.slug, s.held]),
    Visit("poll", FACILITATOR, lambda s: [s.slug, s.poll]),
    Visit("poll-create", FACILITATOR, slug),
    Visit("poll-pick", FACILITATOR, lambda s: [s.slug, s.poll]),
    Visit("poll-close", FACILITATOR, lambda s: [s.slug, s.poll]),
    Visit("committees", FACILITATOR, slug),
    Visit("committee-manage", FACILITATOR, lambda s: [s.slug, s.committee]),
    Visit("decisions:register", FACILITATOR, slug),
    Visit("decisions:record-decision", FACILITATOR, slug, query="?meeting={held}"),
    Visit("decisions:create-action", FACILITATOR, slug, query="?thread={thread}"),
    Visit("decisions:edit-decision", FACILITATOR, lambda s: [s.slug, s.decision]),
    Visit("decisions:edit-action", FACILITATOR, lambda s: [s.slug, s.action]),
    Visit("posting-address", FACILITATOR, slug),
    Visit("space-report", FACILITATOR, slug),
    Visit("all-spaces-report", STAFF),
]

# Routes that are not pages, each with its reason. Actions answer GET with 405 (checked by
# test_post_only_routes_refuse_a_get); the others answer with a file, not a page.
POST_ONLY = {
    "logout", "sign-out-everywhere", "token-revoke",
    "thread-pin", "thread-lock", "thread-read", "thread-answer", "message-react",
    "resend-invitation", "change-role",
    "folder-create", "document-new-version", "document-restore-version", "document-restore",
    "document-direct-start", "document-direct-finish", "document-direct-abandon",
    "document-direct-version",
    "meeting-answer", "poll-remind",
    "committee-add-members", "committee-remove-member", "committee-archive",
    "committee-visibility",
    "emails:fresh-link",
    "decisions:action-status", "decisions:delete-decision", "decisions:delete-action",
    "home-rsvp", "inbox-read", "inbox-read-all",
}
# Reached only with what a mail carried (a code, a key): tests/browser/test_sign_in_journeys.py
# walks them at a phone's and a laptop's size with axe-core.
FROM_MAIL = "reached only from a mailed code or key (tests/browser/test_sign_in_journeys.py)"

NOT_PAGES = {
    "web-manifest": "JSON read by the browser to install the site",
    "favicon": "an icon",
    "document-download": "the document's file",
    "meeting-ics": "a calendar file",
    "calendar-feed": "the calendar feed read by calendar applications",
    "space-report-csv": "a CSV export",
    "all-spaces-report-csv": "a CSV export",
    "members-csv": "a CSV export",
    "decisions:export": "a CSV export",
    "profile-photo": "a photo",
    "inbox-counts": "JSON read by the header's counters",
    "inbox-open": "marks the item read and sends on to what it is about",
    "message-row": "one message, put back in the thread by the inline edit's Annuler",
    "home-meetings": "a section of the home page, read again by its live script",
    "home-polls": "a section of the home page, read again by its live script",
    "home-documents": "a section of the home page, read again by its live script",
    "decisions:decision-row": "one decision, put back in the register by the edit's Annuler",
    "decisions:action-row": "one action, put back in the register by the edit's Annuler",
    "account_login": "the address of login, visited under that name",
    "account_change_password": "the address of password-change, visited under that name",
    "account_set_password": "only for an account without a password; sends the others on",
    "account_confirm_login_code": FROM_MAIL,
    "account_confirm_reauthentication_code": FROM_MAIL,
    "account_reset_password_from_key": FROM_MAIL,
    "account_confirm_email": FROM_MAIL,
    "socialaccount_signup": "only in the middle of an organisation's sign-in; sends others on",
    "openid_connect_login": "hands over to the organisation's provider "
                            "(tests/browser/test_sign_in_journeys.py)",
    "openid_connect_callback": "where the organisation's provider sends back",
}


def _routes(patterns: Iterable[object], prefix: str = "",
            outer: dict[str, object] | None = None) -> Iterator[tuple[str, dict[str, object]]]:
    """Each named route with the converters of its whole path (an include's ones too)."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            converters = {**(outer or {}), **entry.pattern.converters}  # type: ignore[attr-defined]
            yield from _routes(entry.url_patterns, namespace, converters)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, {**(outer or {}),
                                        **entry.pattern.converters}  # type: ignore[attr-defined]


def test_every_route_is_visited_or_excluded() -> None:
    routes = {name for name, _converters in _routes(frontend_urls.urlpatterns)}
    visited = {visit.name for visit in PAGES}
    excluded = POST_ONLY | set(NOT_PAGES)
    forgotten = sorted(routes - visited - excluded)
    assert not forgotten, (
        "These routes of frontend/urls.py are neither visited in PAGES nor excluded in "
        f"POST_ONLY / NOT_PAGES: {forgotten}")
    assert not visited & excluded, f"visited and excluded at once: {visited & excluded}"
    assert not (visited | excluded) - routes, f"no such route: {(visited | excluded) - routes}"


@pytest.mark.django_db
def test_post_only_routes_refuse_a_get(people: People, web: Personas) -> None:
    """The exclusion list tells the truth: a GET on an action is refused, so it has no page."""
    dummy = {"slug": people.space.slug, "int": 1, "string": "jeton"}
    answered = {}
    for name, converters in _routes(frontend_urls.urlpatterns):
        if name not in POST_ONLY:
            continue
        kwargs = {key: dummy[type(conv).__name__.removesuffix("Converter").lower()]
                  for key, conv in converters.items()}
        status = web.facilitator.get(reverse(name, kwargs=kwargs)).status_code
        if status != 405:
            answered[name] = status
    assert not answered, f"a GET should get 405 on these actions: {answered}"


def _site(people: People) -> Site:
    space, member, facilitator = people.space, people.member, people.facilitator
    other = Space.objects.create(slug="voisins-solidaires", name="Voisins solidaires",
                                 description="Des municipalités qui favorisent l'entraide.")
    Membership.objects.create(space=other, user=member, role=Role.MEMBER)
    Membership.objects.create(space=other, user=facilitator, role=Role.FACILITATOR)
    started = start_thread(actor=member, space=space,
                           title="Accessibilité des parcs : retours d'expérience et "
                                 f"{LONG_WORD}",
                           body="Bonjour à toutes et à tous, qui a des exemples d'aires de jeux "
                                f"universellement accessibles ? Voir {LONG_URL}")
    reply = post_message(actor=people.other_member, thread=started.thread,
                         body=f"À Gatineau, nous avons refait trois parcs. {LONG_WORD} "
                              "@**Florence Animatrice** pourra compléter.",
                         reply_to=started.message.pk)
    mine = post_message(actor=member, thread=started.thread,
                        body="Merci ! **Très utile**, je transmets à notre service des parcs.")
    edited = post_message(actor=member, thread=started.thread, body="Premier jet du message.")
    edit_message(actor=member, message=edited.message, body="Deuxième version, corrigée.")
    gone = post_message(actor=people.other_member, thread=started.thread, body="Erreur.")
    delete_message(actor=people.other_member, message=gone.message)
    question = start_thread(actor=member, space=space, is_question=True,
                            title="Quel logiciel pour les requêtes citoyennes ?",
                            body="Nous cherchons un outil simple pour suivre les demandes.")
    start_thread(actor=member, space=other, title="Fête des voisins 2026",
                 body="On lance l'organisation : qui est partant ?")
    folder = create_folder(actor=facilitator, space=space,
                           name=f"Procès-verbaux {LONG_WORD}")
    document = upload_document(actor=facilitator, space=space, folder=folder,
                               file=io.BytesIO(b"Compte rendu de la rencontre de printemps.\n"),
                               file_name=f"compte-rendu-{LONG_WORD.lower()}.txt",
                               title="Compte rendu — rencontre de printemps",
                               description=f"Les décisions de la rencontre. Source : {LONG_URL}")
    add_version(actor=facilitator, document=document,
                file=io.BytesIO(b"Compte rendu corrige.\n"), file_name="compte-rendu-v2.txt")
    trashed = upload_document(actor=facilitator, space=space,
                              file=io.BytesIO(b"Brouillon.\n"), file_name="brouillon.txt")
    delete_document(actor=facilitator, document=trashed)
    meeting = schedule_meeting(actor=facilitator, space=space,
                               title="Rencontre d'automne du réseau", starts_at=in_days(6),
                               ends_at=in_days(6, 15), mode="virtual",
                               agenda=f"1. Tour de table\n2. Bilan des parcs\n3. {LONG_URL}",
                               video_url=LONG_URL, capacity=2)
    answer_meeting(actor=people.other_member, meeting=meeting, answer="yes")
    held = record_held_meeting(actor=facilitator, space=space, title="Rencontre de printemps",
                               starts_at=in_days(-30), ends_at=in_days(-30, 15),
                               mode="in_person", address="Hôtel de ville de Laval")
    record_attendance(actor=facilitator, meeting=held,
                      attendees={member.pk: "in_person", people.other_member.pk: "online"},
                      guests=2, minutes="Bonne participation.")
    poll = open_poll(actor=facilitator, space=space, title="Bilan de l'année",
                     mode=MeetingMode.VIRTUAL, video_url="https://meet.example/bilan",
                     slots=[(in_days(12), in_days(12, 15)), (in_days(13, 9), in_days(13, 10)),
                            (in_days(14, 19), in_days(14, 20))],
                     notify_members=False)
    slots = list(poll.slots.order_by("starts_at").values_list("pk", flat=True))
    vote(actor=people.other_member, poll=poll,
         answers=dict(zip(slots, ["yes", "if_needed", "no"], strict=True)))
    committee = create_committee(actor=facilitator, space=space, name="Comité de planification",
                                 description="Prépare les rencontres du réseau.",
                                 members=[member.pk, people.other_member.pk])
    decision = record_decision(actor=facilitator, space=space, meeting=held,
                               decided_on=in_days(-30).date(),
                               text=f"Le réseau adopte le guide d'accessibilité des parcs. "
                                    f"{LONG_URL}")
    action = create_action(actor=facilitator, space=space, meeting=held,
                           due_on=in_days(20).date(),
                           what=f"Diffuser le guide aux municipalités membres {LONG_WORD}",
                           assignee_ids=[member.pk, people.other_member.pk])
    invited = invite_member(actor=facilitator, space=space, email="nadia@exemple.qc.ca")
    join = issue_link(user=member, target=reverse("thread", args=[space.slug,
                                                                  started.thread.pk]),
                      space=space)
    collect()  # the mention becomes a notification, as the periodic task would do
    return Site(
        slug=space.slug, thread=started.thread.pk, question=question.thread.pk,
        message=mine.message.pk, edited=edited.message.pk, other_message=reply.message.pk,
        removable=people.other_member.pk, folder=folder.pk, document=document.pk,
        meeting=meeting.pk, held=held.pk, poll=poll.pk, committee=committee.slug,
        decision=decision.pk, action=action.pk,
        person=people.other_member.pk,
        invitation=invited.token, join=urlsplit(join).path.rstrip("/").rsplit("/", 1)[-1],
        unsubscribe=unsubscribe.token_for(user=member, space=space),
    )


MEASURE = """() => {
  const bar = document.querySelector(".topbar");
  const h1 = document.querySelector("h1");
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    header: bar ? bar.getBoundingClientRect().height : 0,
    h1Top: h1 ? h1.getBoundingClientRect().top + window.scrollY : null,
    // What sticks out, to name it in the failure (the tabs scroll inside their own strip).
    wide: Array.from(document.querySelectorAll("body *"))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5
        && !el.closest(".space-sections"))
      .slice(0, 4).map((el) => el.tagName.toLowerCase()
        + (typeof el.className === "string" && el.className ? "." + el.className : "")
        + (el.href ? " " + el.getAttribute("href").slice(0, 40) : "")),
  };
}"""


def _check(page, label: str, width: int) -> list[str]:  # type: ignore[no-untyped-def]
    problems = []
    box = page.evaluate(MEASURE)
    if box["scrollWidth"] > box["innerWidth"]:
        problems.append(f"{box['scrollWidth']} px wide in {box['innerWidth']}: {box['wide']}")
    if width < 800:
        if box["header"] > 64:
            problems.append(f"header {box['header']:.0f} px tall")
        if box["h1Top"] is None or box["h1Top"] > 150:
            problems.append(f"title starts at {box['h1Top']} px")
    try:
        assert_accessible(page, label)
    except AssertionError as failure:
        problems.append(f"axe: {failure}")
    return problems


def _open_as(browser, server: str, account: User | None,  # type: ignore[no-untyped-def]
             broken: list[str]):
    """One browser page for a persona (signed in unless ``account`` is None), whose script
    errors and failed requests are written to ``broken``."""
    page = new_page(browser, server, viewport={"width": 390, "height": 844})
    page.on("pageerror", lambda error: broken.append(f"script error: {error}"))
    page.on("response", lambda answer: broken.append(
        f"{answer.status} for {answer.url}") if answer.status >= 400 else None)
    if account is not None:
        sign_in(page, account.email)
    return page


def _problems(page, visit: Visit, site: Site,  # type: ignore[no-untyped-def]
              broken: list[str]) -> dict[str, list[str]]:
    """Every check of one page, by size: its answer (status, no detour), then each size's
    (_check), then, whatever the size, its scripts and what it loads. A new check goes here
    or in _check, and runs on every page."""
    path = visit.path(site)
    page.set_viewport_size({"width": 390, "height": 844})
    broken.clear()
    response = page.goto(path)
    status = response.status if response else None
    landed = urlsplit(page.url).path
    if status != visit.status or landed != urlsplit(path).path:
        return {"every size": [f"{status} at {landed}, not {path}"]}
    found: dict[str, list[str]] = {}
    for size, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        found[size] = _check(page, f"{visit.label()} at {size}", width)
        if visit.name in PHOTOGRAPHED and visit.who == MEMBER and width != 320:
            shot = SHOTS / f"{visit.name.replace(':', '-')}-{width}.png"
            whole_page_screenshot(page, str(shot))
    expected = f"{visit.status} for {page.url}" if visit.status != 200 else None
    found["every size"] = [problem for problem in broken if problem != expected]
    return found


# One pass over some eighty pages, each checked at three sizes, takes longer than the usual
# limit for one test on a loaded machine; splitting it would start a server per part.
@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_every_page_fits_every_screen_and_passes_axe(people: People, server: str,  # type: ignore[no-untyped-def]
                                                    browser) -> None:
    site = _site(people)
    accounts = {ANONYMOUS: None, MEMBER: people.member, FACILITATOR: people.facilitator,
                STAFF: people.staff}
    pages = {}
    # Problems of the page whatever its size (its answer, its scripts, what it loads), then
    # those of each size.
    failures: dict[str, list[str]] = {size: [] for size in ["every size", *VIEWPORTS]}
    broken: list[str] = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for visit in PAGES:
        if visit.who not in pages:
            pages[visit.who] = _open_as(browser, server, accounts[visit.who], broken)
        for size, problems in _problems(pages[visit.who], visit, site, broken).items():
            failures[size] += [f"{visit.label()}: {problem}" for problem in problems]
    report = [f"{size}:\n  " + "\n  ".join(lines) for size, lines in failures.items() if lines]
    assert not report, f"{sum(map(len, failures.values()))} problems\n" + "\n".join(report)
