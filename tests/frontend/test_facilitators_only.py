"""Every page and form reserved to the people who run a space answers its other members the
same way: a 403 "Réservé à l'animation" page inside the space's navigation. Someone outside
the space still gets the 404 of an unknown space, and facilitators get through.

FACILITATORS_ONLY names every such URL; a new facilitator-only page joins the list. (Emptying
the document trash is for the space's administration only and keeps its own refusal.)"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from communities.models import Invitation, Role, Thread
from communities.services.spaces import invite_member
from meetings.models import MeetingMode
from meetings.services.polls import open_poll
from meetings.services.scheduling import schedule_meeting
from tests.clients import Personas
from tests.conftest import People
from tests.meetings.conftest import in_days

RESERVED = "Réservé à l'animation"


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[object, ...]
    method: str = "get"
    data: dict[str, str] | None = None

    @property
    def url(self) -> str:
        return reverse(self.name, args=self.args)


#: url name -> the methods a member might use on it. Pages with a GET show a form or a
#: confirmation; the others are POST-only actions.
FACILITATORS_ONLY = {
    "space-report": "get", "space-report-csv": "get",
    "poll-create": "get", "poll-remind": "post", "poll-pick": "get", "poll-close": "get",
    "meeting-schedule": "get", "meeting-edit": "get", "meeting-cancel": "get",
    "meeting-attendance": "get",
    "documents-settings": "get",
    "change-role": "post", "remove-member": "get", "resend-invitation": "post",
    "thread-pin": "post", "thread-lock": "post",
}


@pytest.fixture
def cases(people: People, thread: Thread) -> list[Case]:
    slug = people.space.slug
    meeting = schedule_meeting(actor=people.facilitator, space=people.space,
                               title="Rencontre d'automne", starts_at=in_days(5),
                               ends_at=in_days(5, 15), mode="virtual",
                               video_url="https://meet.example/a")
    poll = open_poll(actor=people.facilitator, space=people.space, title="Bilan",
                     mode=MeetingMode.VIRTUAL, video_url="https://meet.example/b",
                     slots=[(in_days(9), in_days(9, 15)), (in_days(10), in_days(10, 15))],
                     notify_members=False)
    invite_member(actor=people.facilitator, space=people.space, email="nadia@exemple.qc.ca",
                  role=Role.MEMBER)
    invitation = Invitation.objects.get()
    other = people.other_member.pk
    args: dict[str, tuple[object, ...]] = {
        "space-report": (slug,), "space-report-csv": (slug,),
        "poll-create": (slug,), "poll-remind": (slug, poll.pk), "poll-pick": (slug, poll.pk),
        "poll-close": (slug, poll.pk),
        "meeting-schedule": (slug,), "meeting-edit": (slug, meeting.pk),
        "meeting-cancel": (slug, meeting.pk), "meeting-attendance": (slug, meeting.pk),
        "documents-settings": (slug,),
        "change-role": (slug, other), "remove-member": (slug, other),
        "resend-invitation": (slug, invitation.pk),
        "thread-pin": (slug, thread.pk), "thread-lock": (slug, thread.pk),
    }
    data: dict[str, dict[str, str]] = {"change-role": {f"member-{other}-role": Role.FACILITATOR},
            "thread-pin": {"pinned": "1"}, "thread-lock": {"locked": "1"}}
    return [Case(name, args[name], method, data.get(name))
            for name, method in FACILITATORS_ONLY.items()]


def _send(client, case: Case):  # type: ignore[no-untyped-def]
    if case.method == "post":
        return client.post(case.url, case.data or {})
    return client.get(case.url)


def test_a_member_gets_the_reserved_page_everywhere(web: Personas, cases: list[Case]) -> None:
    for case in cases:
        response = _send(web.member, case)
        assert response.status_code == 403, case
        html = response.content.decode()
        assert RESERVED in html, case
        # Inside the space's navigation, with a way back.
        assert 'class="space-sections"' in html, case
        assert reverse("space", args=["rma"]) in html, case


def test_posting_to_a_reserved_page_changes_nothing(web: Personas, people: People,
                                                    cases: list[Case], thread: Thread) -> None:
    for case in cases:
        if case.name.startswith("space-report"):
            continue  # read-only pages: a POST is refused before any role check (405)
        assert web.member.post(case.url, case.data or {}).status_code == 403, case
    thread.refresh_from_db()
    assert thread.pinned_at is None and thread.locked_at is None
    assert people.space.memberships.get(user=people.other_member).role == Role.MEMBER


def test_someone_outside_the_space_still_gets_404(web: Personas, cases: list[Case]) -> None:
    for case in cases:
        assert _send(web.outsider, case).status_code == 404, case


def test_facilitators_get_through(web: Personas, cases: list[Case]) -> None:
    for case in cases:
        if case.method == "get":
            assert web.facilitator.get(case.url).status_code == 200, case


def test_the_reserved_page_answers_scripts_in_json(web: Personas, cases: list[Case]) -> None:
    pin = next(case for case in cases if case.name == "thread-pin")
    response = web.member.post(pin.url, pin.data, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 403
    assert response.json()["code"] == "facilitators_only"
