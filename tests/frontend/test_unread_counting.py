"""Every place that shows unread counts counts the same thing: the shell's sidebar (on the home
page, where it takes the home page's counts, and elsewhere, where it counts them itself), the
home page's cards and its live counts, the space page's thread list and the JSON API. Each is
checked against a count made message by message in Python from the rules: by someone else,
not deleted, after the member's reading position in the thread, posted after they joined."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse

from communities.models import Membership, Message, ReadPosition, Role, Space, Thread, User
from communities.selectors import (
    threads_for_member,
    unread_counts,
    unread_per_space,
    unread_threads,
)
from communities.services.discussion import post_message, start_thread
from communities.services.moderation import delete_message
from communities.services.reading import mark_read
from inbox.whats_new import counts, whats_new
from tests.clients import Personas
from tests.conftest import People


def by_the_rules(user: User, thread: Thread) -> int:
    """The unread messages of one thread, counted one message at a time."""
    membership = Membership.objects.filter(user=user, space=thread.space_id).first()
    position = (ReadPosition.objects.filter(user=user, thread=thread)
                .values_list("last_read_message", flat=True).first()) or 0
    return sum(1 for m in Message.objects.filter(thread=thread)
               if m.author_id != user.pk and m.deleted_at is None and m.pk > position
               and (membership is None or m.created_at > membership.joined_at))


def expected_per_space(user: User) -> dict[int, int]:
    totals: dict[int, int] = {}
    for thread in Thread.objects.filter(space__memberships__user=user):
        n = by_the_rules(user, thread)
        if n:
            totals[thread.space_id] = totals.get(thread.space_id, 0) + n
    return totals


def busy_world(people: People) -> Space:
    """Two spaces (one a committee) with every case the rules tell apart."""
    rma = people.space
    parcs = start_thread(actor=people.other_member, space=rma, title="Parcs",
                         body="Qui a refait un parc ?").thread
    for n in range(4):
        post_message(actor=people.other_member, thread=parcs, body=f"Réponse {n}")
    post_message(actor=people.member, thread=parcs, body="La mienne ne compte pas")
    gone = post_message(actor=people.other_member, thread=parcs, body="Effacé").message
    delete_message(actor=people.facilitator, message=gone)
    read = start_thread(actor=people.facilitator, space=rma, title="Lu en partie",
                        body="Un").thread
    second = post_message(actor=people.facilitator, thread=read, body="Deux").message
    post_message(actor=people.facilitator, thread=read, body="Trois")
    mark_read(actor=people.member, thread=read, up_to=second.pk)
    start_thread(actor=people.member, space=rma, title="Le mien", body="Rien à lire")

    committee = Space.objects.create(slug="comite-parcs", name="Comité des parcs", parent=rma)
    for user in (people.member, people.other_member):
        Membership.objects.create(space=committee, user=user, role=Role.MEMBER)
    before = start_thread(actor=people.other_member, space=committee, title="Ancien",
                          body="Avant mon arrivée").thread
    post_message(actor=people.other_member, thread=before, body="Après mon arrivée")
    # The member joined the committee between the two messages of that thread.
    first, last = before.messages.order_by("pk")
    joined = first.created_at + (last.created_at - first.created_at) / 2
    if joined <= first.created_at:  # the same clock tick: move the first message back
        Message.objects.filter(pk=first.pk).update(
            created_at=first.created_at - timedelta(seconds=1))
        joined = first.created_at - timedelta(milliseconds=500)
    Membership.objects.filter(space=committee, user=people.member).update(joined_at=joined)
    return committee


def sidebar_counts(html: str) -> dict[str, int]:
    shown = re.findall(r'data-unread-space="([^"]+)"(?: hidden)?><span data-count>(\d+)<', html)
    return {slug: int(n) for slug, n in shown}


def test_every_count_is_the_count_by_the_rules(people: People, web: Personas) -> None:
    committee = busy_world(people)
    member = people.member
    expected = expected_per_space(member)
    # The world has each case: counted, own, deleted, read, before joining.
    assert expected == {people.space.pk: 6, committee.pk: 1}

    assert unread_per_space(member) == expected
    assert dict(unread_counts(member)) == expected
    threads = unread_threads(member, [people.space.pk, committee.pk])
    assert {t.pk: t.unread for t in threads} == {
        t.pk: by_the_rules(member, t) for t in Thread.objects.all() if by_the_rules(member, t)}
    for space in (people.space, committee):
        listed = threads_for_member(space=space, user=member)
        assert {t.pk: t.unread for t in listed} == {  # type: ignore[attr-defined]
            t.pk: by_the_rules(member, t) for t in space.threads.all()}

    news = whats_new(member)
    assert news.unread_per_space == {people.space.pk: 6, committee.pk: 1}
    assert news.unread == 7
    live = counts(member)
    assert live["spaces"] == {"rma": {"unread": 6, "mentions": 0},  # type: ignore[index]
                              "comite-parcs": {"unread": 1, "mentions": 0}}

    by_slug = {"rma": 6, "comite-parcs": 1}
    # The sidebar on the home page (the home page's counts) and on a space page (its own).
    home = web.member.get(reverse("my-spaces")).content.decode()
    elsewhere = web.member.get(reverse("members", args=["rma"])).content.decode()
    assert sidebar_counts(home[:home.index('id="contenu"')]) == by_slug
    assert sidebar_counts(elsewhere[:elsewhere.index('id="contenu"')]) == by_slug


def test_the_api_counts_the_same(people: People, api: Personas) -> None:
    committee = busy_world(people)
    listed = {s["slug"]: s["unread"] for s in api.member.get("/api/v1/spaces").json()}
    assert listed == {"rma": 6, committee.slug: 1}
    threads = api.member.get("/api/v1/spaces/rma/threads").json()
    assert {t["title"]: t["unread"] for t in threads} == {
        "Parcs": 5, "Lu en partie": 1, "Le mien": 0}


def test_staff_outside_a_space_see_every_message_of_others_unread(people: People) -> None:
    thread = start_thread(actor=people.member, space=people.space, title="Parcs",
                          body="Un").thread
    post_message(actor=people.other_member, thread=thread, body="Deux")
    listed = threads_for_member(space=people.space, user=people.staff)
    assert [t.unread for t in listed] == [2]  # type: ignore[attr-defined]
