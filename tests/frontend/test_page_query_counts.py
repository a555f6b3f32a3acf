"""The two pages a member opens most, pinned at their number of queries: the home page ("Quoi
de neuf", with the shell around it) and a space's page (its threads with unread counts). The
number is the same for one space with two threads as for five spaces with many threads,
messages, meetings and documents, so a query per space or per thread fails here first."""

from __future__ import annotations

from django.urls import reverse

from communities.models import Membership, Role, Space
from communities.services.discussion import post_message, start_thread
from meetings.services.scheduling import schedule_meeting
from tests.clients import Personas
from tests.conftest import People
from tests.meetings.conftest import in_days
from tests.queries import count_queries

#: Session, user, and the page's own reads; see the listing a failure prints.
HOME_QUERIES = 11
SPACE_QUERIES = 13


def grow(people: People, spaces: int, threads: int) -> None:
    for n in range(spaces):
        space = Space.objects.create(slug=f"espace-{n}", name=f"Espace {n}")
        for user, role in ((people.member, Role.MEMBER), (people.other_member, Role.MEMBER),
                           (people.facilitator, Role.FACILITATOR)):
            Membership.objects.create(space=space, user=user, role=role)
        committee = Space.objects.create(slug=f"comite-{n}", name=f"Comité {n}", parent=space)
        for user in (people.member, people.other_member):
            Membership.objects.create(space=committee, user=user, role=Role.MEMBER)
        schedule_meeting(actor=people.facilitator, space=space, title=f"Rencontre {n}",
                         starts_at=in_days(3 + n), ends_at=in_days(3 + n, 15), mode="virtual",
                         video_url="https://meet.example/a")
    for space in Space.objects.filter(memberships__user=people.member).distinct():
        for t in range(threads):
            thread = start_thread(actor=people.other_member, space=space, title=f"Fil {t}",
                                  body="Bonjour @**Marc Membre**").thread
            post_message(actor=people.other_member, thread=thread, body="Suite")


def page_queries(web: Personas, url: str, exactly: int) -> str:
    web.member.get(url)  # sessions and caches warm, as for every page after the first
    with count_queries(exactly=exactly):
        response = web.member.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_home_and_space_pages_cost_a_fixed_number_of_queries(people: People,
                                                             web: Personas) -> None:
    grow(people, spaces=0, threads=2)
    home, space = reverse("my-spaces"), reverse("space", args=["rma"])
    page_queries(web, home, HOME_QUERIES)
    page_queries(web, space, SPACE_QUERIES)

    grow(people, spaces=4, threads=6)
    html = page_queries(web, home, HOME_QUERIES)
    assert "Comité 3" in html and "Rencontre 0" in html
    html = page_queries(web, space, SPACE_QUERIES)
    assert html.count('class="card thread-item') == 8
