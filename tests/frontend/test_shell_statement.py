"""The shell's query is compiled once per process for a stand-in member and then run with each
member's id: every member still gets their own rows, exactly what the ORM query returns."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory
from django.urls import resolve

from communities.models import Membership, Role, Space, User
from communities.services.discussion import post_message, start_thread
from emails.notifications import collect
from frontend.shell import Shell, _rows, share_unread
from inbox.selectors import unread_count
from tests.conftest import People


def _shell(user: User, shared: dict[int, int] | None = None) -> Shell:
    request = RequestFactory().get("/")
    request.user = user
    request.resolver_match = resolve("/")
    if shared is not None:
        share_unread(request, shared)
    return Shell(request)


def _busy(people: People, on_commit: Any) -> None:
    with on_commit(execute=True):  # the inbox items are written after commit
        _post(people)
    collect()


def _post(people: People) -> None:
    started = start_thread(actor=people.member, space=people.space, title="Parcs",
                           body="Qui a refait un parc ?")
    post_message(actor=people.other_member, thread=started.thread,
                 body="Nous ! @**Florence Animatrice** a les plans.")
    other = Space.objects.create(slug="autre", name="Autre espace")
    for user in (people.facilitator, people.other_member):
        Membership.objects.create(space=other, user=user, role=Role.MEMBER)
    start_thread(actor=people.other_member, space=other, title="Voirie", body="Bonjour")


def test_each_member_gets_the_rows_the_orm_query_returns(
        people: People, django_capture_on_commit_callbacks: Any) -> None:
    _busy(people, django_capture_on_commit_callbacks)
    for user in (people.facilitator, people.member, people.other_member):
        shell = _shell(user)
        orm = list(_rows(user, counted=True))
        assert [(s.slug, s.unread, s.mentions) for s in shell.spaces] == \
            [(row[2], row[5], row[6]) for row in orm]
        assert [(b.slug, b.event_head, b.unread) for b in shell.bell] == \
            [(row[2], row[7], row[8]) for row in orm]
    facilitator = _shell(people.facilitator)
    assert {s.slug: s.unread for s in facilitator.spaces} == {"autre": 1, "rma": 2}
    assert {s.slug: s.mentions for s in facilitator.spaces} == {"autre": 0, "rma": 1}
    assert sum(b.unread for b in facilitator.bell) == unread_count(people.facilitator) > 0


def test_counts_a_page_shared_are_used_as_they_are(
        people: People, django_capture_on_commit_callbacks: Any) -> None:
    _busy(people, django_capture_on_commit_callbacks)
    space = Space.objects.get(slug="autre")
    shell = _shell(people.facilitator, shared={space.pk: 41})
    assert {s.slug: s.unread for s in shell.spaces} == {"autre": 41, "rma": 0}
    assert [row[5] for row in _rows(people.facilitator, counted=False)] == [0, 0]
    assert [s.unread for s in _shell(people.facilitator).spaces] == [1, 2]


def test_a_statement_that_reads_the_time_is_never_kept(db: None, monkeypatch: Any) -> None:
    """A value read when the statement is built (the time) would be frozen for the process's
    life: such a statement is refused loudly rather than kept."""
    import pytest
    from django.core.exceptions import ImproperlyConfigured
    from django.utils import timezone

    from frontend import shell

    def timed(user: User, *, counted: bool) -> Any:
        return _rows(user, counted=counted).filter(joined_at__lte=timezone.now())

    monkeypatch.setattr(shell, "_rows", timed)
    shell._statement.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="varies between builds"):
            shell._statement(counted=True)
    finally:
        shell._statement.cache_clear()
