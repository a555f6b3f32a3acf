"""The inbox page: items newest first with their plain-text snippet, opening one reads it and
leads to its item, marking read works without JavaScript (one, all), others' items and those
of a space I left stay out of reach; the counts a live page re-reads."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.urls import reverse

from communities.models import Membership
from communities.services.discussion import post_message, start_thread
from inbox.models import InboxItem
from tests.clients import Personas
from tests.conftest import People
from tests.queries import count_queries


@pytest.fixture
def items(people: People) -> list[InboxItem]:
    first = start_thread(actor=people.member, space=people.space, title="Programme",
                         body="Bonjour").thread
    second = start_thread(actor=people.member, space=people.space, title="Stationnement",
                          body="Hiver").thread
    with TestCase.captureOnCommitCallbacks(execute=True):
        post_message(actor=people.other_member, thread=first,
                     body="Une **idée** : [lien](https://x.ca)")
    with TestCase.captureOnCommitCallbacks(execute=True):
        post_message(actor=people.other_member, thread=second, body="@**Marc Membre** oui")
    return list(InboxItem.objects.filter(recipient=people.member).order_by("pk"))


def test_the_inbox_lists_items_newest_first_in_plain_text(web: Personas, people: People,
                                                           items: list[InboxItem]) -> None:
    html = web.member.get(reverse("inbox")).content.decode()
    assert html.index("Stationnement") < html.index("Programme")
    assert "Une idée : lien" in html and "**" not in html
    assert "Mention" in html and "Réponse" in html
    assert 'data-inbox-count="2"' in html
    assert "Tout marquer comme lu" in html


def test_opening_an_item_reads_it_and_leads_to_the_message(web: Personas,
                                                          items: list[InboxItem]) -> None:
    response = web.member.get(reverse("inbox-open", args=[items[0].pk]))
    assert response.status_code == 302 and response["Location"] == items[0].target
    items[0].refresh_from_db()
    assert items[0].read_at is not None


def test_mark_read_without_javascript_one_then_all(web: Personas, people: People,
                                                   items: list[InboxItem]) -> None:
    response = web.member.post(reverse("inbox-read", args=[items[0].pk]), follow=True)
    assert "Notification marquée comme lue." in response.content.decode()
    assert InboxItem.objects.filter(recipient=people.member, read_at__isnull=True).count() == 1
    response = web.member.post(reverse("inbox-read-all"), {"next": reverse("my-spaces")})
    assert response["Location"] == reverse("my-spaces")
    assert not InboxItem.objects.filter(recipient=people.member, read_at__isnull=True).exists()
    # Somewhere else than this site: back to the inbox instead.
    response = web.member.post(reverse("inbox-read-all"), {"next": "https://ailleurs.example/"})
    assert response["Location"] == reverse("inbox")


def test_someone_elses_item_or_a_left_space_stays_out_of_reach(
        web: Personas, people: People, items: list[InboxItem]) -> None:
    assert web.other_member.get(reverse("inbox-open", args=[items[0].pk])).status_code == 404
    web.other_member.post(reverse("inbox-read", args=[items[0].pk]))
    items[0].refresh_from_db()
    assert items[0].read_at is None
    Membership.objects.filter(user=people.member).delete()
    html = web.member.get(reverse("inbox")).content.decode()
    assert "Programme" not in html and 'data-inbox-count="0"' in html
    assert web.member.get(reverse("inbox-open", args=[items[0].pk])).status_code == 404


def test_the_counts_a_live_page_rereads(web: Personas, items: list[InboxItem]) -> None:
    web.member.get(reverse("inbox-counts"))  # signed in and session saved
    with count_queries(at_most=7):
        counts = web.member.get(reverse("inbox-counts")).json()
    assert counts == {"inbox": 2, "unread": 2,
                      "spaces": {"rma": {"unread": 2, "mentions": 1}}}
    assert web.member.post(reverse("inbox-read-all"),
                           headers={"X-Requested-With": "fetch"}).json() == {"unread": 0}
