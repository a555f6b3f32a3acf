"""The home page's live sections served alone (upcoming meetings, polls awaiting me, new
documents): each is the same markup as on the page, covers only my spaces, is never cached,
and the one-tap answer asked by htmx gives the meetings section back with what was said."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from communities.models import Membership, Role, Space
from docs_store.services import upload_document
from meetings.models import MeetingMode, Rsvp
from meetings.services.polls import open_poll, vote
from meetings.services.scheduling import schedule_meeting
from tests.clients import Personas
from tests.conftest import People
from tests.docs_store.samples import PDF
from tests.inbox.conftest import schedule, soon
from tests.meetings.conftest import in_days
from tests.queries import count_queries

SECTIONS = ["home-meetings", "home-polls", "home-documents"]


def _poll(people: People, space: Space | None = None, title: str = "Bilan de l'année"):  # type: ignore[no-untyped-def]
    return open_poll(actor=people.facilitator, space=space or people.space, title=title,
                     mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1",
                     slots=[(in_days(12), in_days(12, 15)), (in_days(13), in_days(13, 15))],
                     notify_members=False)


def _document(people: People, space: Space | None = None, title: str = "Guide des bancs"):  # type: ignore[no-untyped-def]
    return upload_document(actor=people.facilitator, space=space or people.space,
                           file=io.BytesIO(PDF), file_name="guide.pdf", title=title)


def _everything(people: People, space: Space | None = None, suffix: str = "") -> None:
    schedule_meeting(actor=people.facilitator, space=space or people.space,
                     title="Rencontre d'automne" + suffix, starts_at=soon(),
                     ends_at=soon(hours=2), mode=MeetingMode.VIRTUAL,
                     video_url="https://zoom.us/j/123456")
    _poll(people, space, "Bilan de l'année" + suffix)
    _document(people, space, "Guide des bancs" + suffix)


def _unmasked(html: str) -> str:
    # Each rendering masks the CSRF token afresh.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_each_section_alone_is_what_the_page_shows(web: Personas, people: People) -> None:
    _everything(people)
    page = web.member.get(reverse("my-spaces")).content.decode()
    for name, words in (("home-meetings", "Rencontre d&#x27;automne"),
                        ("home-polls", "Bilan de l&#x27;année"),
                        ("home-documents", "Guide des bancs")):
        response = web.member.get(reverse(name))
        assert response.status_code == 200
        fragment = response.content.decode()
        assert words in fragment
        assert "<html" not in fragment
        assert "no-store" in response["Cache-Control"]
        section = fragment[fragment.index("<section"):fragment.index("</section>")]
        assert _unmasked(section) in _unmasked(page), name


def test_a_non_member_gets_nothing_of_another_space(web: Personas, people: People) -> None:
    _everything(people)
    elsewhere = Space.objects.create(slug="ailleurs", name="Ailleurs")
    Membership.objects.create(space=elsewhere, user=people.outsider, role=Role.FACILITATOR)
    Membership.objects.create(space=elsewhere, user=people.facilitator, role=Role.FACILITATOR)
    _everything(people, elsewhere, " (ailleurs)")
    for name in SECTIONS:
        outsider = web.outsider.get(reverse(name)).content.decode()
        assert "ailleurs" in outsider, name  # their own space's lines are there
        assert "Rencontre d&#x27;automne<" not in outsider
        assert "Bilan de l&#x27;année<" not in outsider
        assert "Guide des bancs<" not in outsider
        assert "/espaces/rma/" not in outsider, name
        member = web.member.get(reverse(name)).content.decode()
        assert "ailleurs" not in member, name


def test_signed_out_people_are_sent_to_sign_in(web: Personas, people: People) -> None:
    for name in SECTIONS:
        response = web.anonymous.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_section_is_one_query_beyond_the_session(web: Personas, people: People) -> None:
    _everything(people)
    web.member.get(reverse("home-polls"))
    for name in SECTIONS:
        with count_queries() as queries:
            web.member.get(reverse(name))
        # session + user, then the section itself (the meetings' answers are prefetched).
        assert len(queries) <= (4 if name == "home-meetings" else 3), (name, queries)


def test_a_poll_i_answered_leaves_the_polls_section(web: Personas, people: People) -> None:
    poll = _poll(people)
    assert "Bilan de l&#x27;année" in web.member.get(reverse("home-polls")).content.decode()
    vote(actor=people.member, poll=poll, answers={slot.pk: "yes" for slot in poll.slots.all()})
    after = web.member.get(reverse("home-polls")).content.decode()
    assert "Bilan de l&#x27;année" not in after
    assert "Aucun sondage n'attend votre réponse." in after


def test_an_answer_asked_by_htmx_gives_the_section_back_with_what_was_said(
        web: Personas, people: People) -> None:
    meeting = schedule(people)
    response = web.member.post(reverse("home-rsvp", args=[meeting.pk]), {"answer": "yes"},
                               HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="home-section-meetings"' in html
    assert f'id="home-rsvp-{meeting.pk}-yes" name="answer" value="yes" class="button" ' \
           'aria-pressed="true"' in html
    assert "data-home-notice" in html and "est enregistrée : oui" in html
    assert Rsvp.objects.get(meeting=meeting, user=people.member).answer == "yes"
    # Nothing is left for the next page: what was said was said in place.
    page = web.member.get(reverse("my-spaces")).content.decode()
    assert "est enregistrée" not in page


def test_a_bad_answer_asked_by_htmx_is_said_in_french_in_place(web: Personas,
                                                                people: People) -> None:
    meeting = schedule(people)
    response = web.member.post(reverse("home-rsvp", args=[meeting.pk]), {"answer": "bof"},
                               HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "flash-error" in html and "Réponse inconnue" in html
    assert not Rsvp.objects.filter(meeting=meeting, user=people.member).exists()


@pytest.mark.parametrize("name", SECTIONS)
def test_the_page_names_where_each_section_is_read_again(web: Personas, people: People,
                                                             name: str) -> None:
    page = web.member.get(reverse("my-spaces")).content.decode()
    assert f'hx-get="{reverse(name)}"' in page


def test_a_member_removed_from_the_space_no_longer_sees_its_lines(web: Personas,
                                                                  people: People) -> None:
    from communities.services.spaces import remove_member

    _everything(people)
    remove_member(actor=people.facilitator, space=people.space, member=people.member)
    for name in SECTIONS:
        html = web.member.get(reverse(name)).content.decode()
        assert "/espaces/rma/" not in html, name
