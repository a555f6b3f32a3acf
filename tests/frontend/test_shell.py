"""The app shell's data: my spaces with their unread and mention counts (the same counts as
communities.selectors), the next meeting, the report tab on every page of a space I run, the
account menu's pages — in two queries whatever the number of spaces."""

from __future__ import annotations

from django.test import RequestFactory
from django.urls import resolve, reverse

from communities.models import Membership, Role, Space
from communities.selectors import unread_per_space
from communities.services.discussion import post_message, start_thread
from emails.notifications import collect
from frontend.shell import Shell
from meetings.services.scheduling import cancel_meeting, schedule_meeting
from tests.clients import Personas
from tests.conftest import People
from tests.meetings.conftest import in_days
from tests.queries import count_queries


def _shell(user, path: str = "/") -> Shell:  # type: ignore[no-untyped-def]
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    return Shell(request)


def _busy(people: People) -> None:
    started = start_thread(actor=people.member, space=people.space, title="Parcs",
                           body="Qui a refait un parc ?")
    post_message(actor=people.other_member, thread=started.thread,
                 body="Nous ! @**Florence Animatrice** a les plans.")
    for n in range(3):
        other = Space.objects.create(slug=f"autre-{n}", name=f"Autre espace {n}")
        Membership.objects.create(space=other, user=people.facilitator, role=Role.MEMBER)
        Membership.objects.create(space=other, user=people.member, role=Role.MEMBER)
        start_thread(actor=people.member, space=other, title=f"Fil {n}", body="Bonjour")


def test_counts_match_the_selectors_in_two_queries(people: People) -> None:
    _busy(people)
    collect()
    shell = _shell(people.facilitator)
    with count_queries(exactly=2):
        spaces = shell.spaces
        assert shell.next_meeting is None
    expected = {s.slug: n for s in Space.objects.all()
                for pk, n in unread_per_space(people.facilitator).items() if pk == s.pk}
    assert {s.slug: s.unread for s in spaces if s.unread} == expected
    assert expected["rma"] == 2
    assert {s.slug: s.mentions for s in spaces} == {"rma": 1, "autre-0": 0, "autre-1": 0,
                                                    "autre-2": 0}
    assert spaces[0].name == "Autre espace 0"  # by name


def test_the_next_meeting_is_the_first_not_cancelled_one(people: People) -> None:
    later = schedule_meeting(actor=people.facilitator, space=people.space, title="Plus tard",
                             starts_at=in_days(9), ends_at=in_days(9, 15), mode="virtual",
                             video_url="https://meet.example/a")
    soon = schedule_meeting(actor=people.facilitator, space=people.space, title="Bientôt",
                            starts_at=in_days(2), ends_at=in_days(2, 15), mode="virtual",
                            video_url="https://meet.example/b")
    assert _shell(people.member).next_meeting.pk == soon.pk  # type: ignore[union-attr]
    cancel_meeting(actor=people.facilitator, meeting=soon, note="")
    assert _shell(people.member).next_meeting.pk == later.pk  # type: ignore[union-attr]
    assert _shell(people.outsider).next_meeting is None


def test_the_report_tab_is_on_every_page_of_a_space_i_run(web: Personas, people: People) -> None:
    thread = start_thread(actor=people.member, space=people.space, title="Parcs",
                          body="Bonjour").thread
    report = reverse("space-report", args=["rma"])
    for url in (reverse("space", args=["rma"]), reverse("thread", args=["rma", thread.pk]),
                reverse("documents", args=["rma"]), reverse("members", args=["rma"]),
                reverse("meetings", args=["rma"]), reverse("polls", args=["rma"])):
        assert f'href="{report}"' in web.facilitator.get(url).content.decode(), url
        assert f'href="{report}"' not in web.member.get(url).content.decode(), url


def test_inside_a_thread_the_discussions_tab_is_current(web: Personas, people: People) -> None:
    thread = start_thread(actor=people.member, space=people.space, title="Parcs",
                          body="Bonjour").thread
    html = web.member.get(reverse("thread", args=["rma", thread.pk])).content.decode()
    tabs = html[html.index('class="space-sections"'):]
    assert f'href="{reverse("space", args=["rma"])}" aria-current="true"' in tabs


def test_the_account_menu_reaches_preferences_calendar_and_security(web: Personas) -> None:
    html = web.member.get(reverse("my-spaces")).content.decode()
    for name, words in (("emails:preferences", "Préférences de courriel"),
                        ("calendar-feed-page", "Mon agenda personnel"),
                        ("account-security", "Sécurité du compte")):
        assert f'href="{reverse(name)}"' in html and words in html
    assert "Mes courriels" not in html
    assert 'data-unread-space="rma"' in html and 'data-mentions-space="rma"' in html


def test_signed_out_pages_draw_no_shell(web: Personas) -> None:
    with count_queries(exactly=0):
        html = web.anonymous.get(reverse("login")).content.decode()
    assert 'id="menu"' not in html
