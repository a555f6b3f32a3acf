"""Kept statements give exactly what their QuerySet gives, compile once, and refuse what
they cannot keep; kept inserts write what the ORM writes, or let the ORM write it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Value, signals
from django.utils import timezone

from communities.models import ApiToken, Event, Membership, Message, Thread
from communities.services.discussion import post_message, start_thread
from communities.statements import MAX_LIST, Insert, Statement
from tests.conftest import People

pytestmark = pytest.mark.django_db


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def tokens(people: People) -> list[ApiToken]:
    now = timezone.now()
    return [ApiToken.objects.create(user=people.member, key_hash="a" * 64, label="live",
                                    expires_at=now + timedelta(days=1)),
            ApiToken.objects.create(user=people.other_member, key_hash="b" * 64,
                                    expires_at=now - timedelta(days=1))]


def test_model_rows_with_their_related_rows_match_the_orm(
        tokens, django_assert_num_queries) -> None:
    statement: Statement[ApiToken] = Statement(
        lambda key_hash, now: ApiToken.objects.select_related("user")
        .filter(key_hash=key_hash, expires_at__gt=now)[:1],
        key_hash=str, now=datetime)
    now = timezone.now()
    with django_assert_num_queries(1):
        found = statement.first(key_hash="a" * 64, now=now)
        assert found is not None
        assert found.user.email == "marc@exemple.qc.ca"  # loaded with it: no second query
    expected = ApiToken.objects.select_related("user").get(key_hash="a" * 64)
    assert _fields(found) == _fields(expected)
    assert _fields(found.user) == _fields(expected.user)
    assert found._state.adding is False and found._state.db == "default"
    # The datetime is compared in the database: the expired token is not found.
    assert statement.first(key_hash="b" * 64, now=now) is None
    assert statement.first(key_hash="c" * 64, now=now) is None


def test_it_is_built_and_compiled_once_per_shape(people: People) -> None:
    builds = []

    def build(user_id: int, space_ids: list[int]) -> Any:
        builds.append(1)
        return Membership.objects.filter(user_id=user_id, space_id__in=space_ids) \
            .values_list("space_id", flat=True)

    statement: Statement[int] = Statement(build, user_id=int, space_ids=[int])
    for _ in range(3):
        assert statement.rows(user_id=people.member.pk, space_ids=[people.space.pk]) == [
            people.space.pk]
    assert statement.rows(user_id=people.outsider.pk, space_ids=[people.space.pk]) == []
    once = len(builds)
    statement.rows(user_id=people.member.pk, space_ids=[people.space.pk, 999_999])
    assert len(builds) == once + 2  # a second list length: its own statement (checked twice)
    statement.rows(user_id=people.other_member.pk, space_ids=[1, people.space.pk])
    assert len(builds) == once + 2


def test_lists_empty_or_long_run_through_the_orm(people: People,
                                                 django_assert_num_queries) -> None:
    statement: Statement[tuple[int, str]] = Statement(
        lambda ids: Membership.objects.filter(space_id__in=ids).order_by("user_id")
        .values_list("user_id", "role"), ids=[int])
    with django_assert_num_queries(0):
        assert statement.rows(ids=[]) == []
    many = [people.space.pk, *range(-MAX_LIST - 5, -1)]
    assert len(many) > MAX_LIST
    assert statement.rows(ids=many) == list(
        Membership.objects.filter(space_id=people.space.pk).order_by("user_id")
        .values_list("user_id", "role"))
    assert len(statement.rows(ids=many)) == 3


def test_values_go_through_the_fields_converters(people: People) -> None:
    start_thread(actor=people.member, space=people.space, title="Bancs", body="Qui ?")
    statement: Statement[tuple[int, Any, datetime]] = Statement(
        lambda space_id: Event.objects.filter(space_id=space_id).order_by("seq")
        .values_list("seq", "payload", "created_at"), space_id=int)
    assert statement.rows(space_id=people.space.pk) == list(
        Event.objects.filter(space_id=people.space.pk).order_by("seq")
        .values_list("seq", "payload", "created_at"))
    payload = statement.rows(space_id=people.space.pk)[0][1]
    assert payload["thread"]["title"] == "Bancs"


def test_annotations_and_grouped_rows(people: People) -> None:
    posted = start_thread(actor=people.member, space=people.space, title="Bancs", body="Qui ?")
    post_message(actor=people.other_member, thread=posted.thread, body="Moi")
    post_message(actor=people.member, thread=posted.thread, body="Merci")
    counted: Statement[Thread] = Statement(
        lambda thread_id: Thread.objects.annotate(n=Count("messages")).filter(pk=thread_id),
        thread_id=int)
    thread = counted.first(thread_id=posted.thread.pk)
    assert thread is not None and thread.title == "Bancs"
    assert getattr(thread, "n") == 3  # noqa: B009 (an annotation the model does not declare)
    per_author: Statement[tuple[int, int]] = Statement(
        lambda thread_id: Message.objects.filter(thread_id=thread_id).values("author_id")
        .annotate(n=Count("pk")).order_by("author_id").values_list("author_id", "n"),
        thread_id=int)
    assert per_author.rows(thread_id=posted.thread.pk) == sorted(
        [(people.member.pk, 2), (people.other_member.pk, 1)])


def test_a_statement_that_varies_between_builds_is_refused(people: People) -> None:
    statement: Statement[int] = Statement(
        lambda user_id: Membership.objects.filter(user_id=user_id,
                                                  joined_at__lte=timezone.now())
        .values_list("pk", flat=True), user_id=int)
    with pytest.raises(ImproperlyConfigured, match="differently"):
        statement.rows(user_id=people.member.pk)


def test_a_value_the_orm_rewrites_is_refused(people: People) -> None:
    statement: Statement[int] = Statement(
        lambda name: Thread.objects.filter(title__icontains=name).values_list("pk", flat=True),
        name=str)
    with pytest.raises(ImproperlyConfigured, match="name"):
        statement.rows(name="banc")


def test_wrong_values_and_slot_kinds_are_refused() -> None:
    with pytest.raises(TypeError):
        Statement(lambda x: Thread.objects.filter(pk=x), x=float)
    statement: Statement[Thread] = Statement(lambda x: Thread.objects.filter(pk=x), x=int)
    with pytest.raises(TypeError):
        statement.rows(y=1)


def test_an_insert_writes_what_the_orm_would(people: People,
                                             django_assert_num_queries) -> None:
    inserting: Insert[Event] = Insert(Event)
    when = timezone.now()
    payload = {"member": {"id": people.member.pk, "name": "Marc Membre"}, "note": "é"}
    inserting.create(space=people.space, seq=40, kind="member.left", actor=people.member,
                     payload=payload, created_at=when)  # compiled here
    with django_assert_num_queries(1):
        event = inserting.create(space=people.space, seq=41, kind="member.left",
                                 actor=people.member, payload=payload, created_at=when)
    assert event.pk is not None and event._state.adding is False
    assert event._state.db == "default"
    stored = Event.objects.get(pk=event.pk)
    assert _fields(stored) == _fields(event)
    assert stored.payload == payload and stored.owner_id is None


def test_an_insert_fills_defaults_and_pre_save_values(people: People) -> None:
    posted = start_thread(actor=people.member, space=people.space, title="Bancs", body="Qui ?")
    message = Insert(Message).create(thread=posted.thread, author=people.member, body="Moi",
                                     html="<p>Moi</p>", created_seq=9)
    stored = Message.objects.get(pk=message.pk)
    assert _fields(stored) == _fields(message)
    assert stored.created_at is not None and stored.client_id == ""


def test_an_insert_goes_through_the_orm_when_it_cannot_be_kept(people: People) -> None:
    inserting: Insert[Event] = Insert(Event)
    seen = []

    def receiver(sender: type, instance: Event, created: bool, **kwargs: Any) -> None:
        seen.append((instance.seq, created))

    signals.post_save.connect(receiver, sender=Event)
    try:
        inserting.create(space=people.space, seq=50, kind="member.left", actor=None,
                         payload={"member": {}})
    finally:
        signals.post_save.disconnect(receiver, sender=Event)
    assert seen == [(50, True)]
    # An expression is the database's to compute: the ORM writes it.
    event = inserting.create(space=people.space, seq=Value(51), kind="member.left",
                             actor=None, payload={"member": {}})
    assert Event.objects.get(pk=event.pk).seq == 51
    explicit = inserting.create(id=987_654, space=people.space, seq=52, kind="member.left",
                                actor=None, payload={"member": {}})
    assert explicit.pk == 987_654 and Event.objects.filter(pk=987_654).exists()
