"""Reactions are pushed to every member of the space, so one person's toggles are limited per
minute, with a clear refusal in French; what was already accepted stays."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from communities.errors import ServiceError
from communities.models import Event, Reaction
from communities.services.discussion import start_thread
from communities.services.reactions import toggle_reaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(people):
    return start_thread(actor=people.member, space=people.space, title="Fil",
                        body="Bonjour").thread.messages.get()


def test_the_limit_is_on_by_default():
    from django.conf import settings

    assert settings.REACTION_RATE_LIMIT == 20


def test_toggles_beyond_the_limit_are_refused_and_emit_nothing(people, message, settings):
    settings.REACTION_RATE_LIMIT = 3
    for emoji in ["👍", "👍", "🎉"]:  # taking a reaction back counts too
        toggle_reaction(actor=people.other_member, message=message, emoji=emoji)
    events = Event.objects.filter(space=people.space).count()
    with pytest.raises(ServiceError) as refused:
        toggle_reaction(actor=people.other_member, message=message, emoji="❤️")
    assert (refused.value.code, refused.value.status) == ("rate_limited", 429)
    assert "trop vite" in str(refused.value.message)
    assert "3 réactions par minute" in str(refused.value.message)
    assert Event.objects.filter(space=people.space).count() == events
    assert list(Reaction.objects.values_list("emoji", flat=True)) == ["🎉"]
    # Someone else in the same space is not held up by it.
    assert toggle_reaction(actor=people.member, message=message, emoji="❤️") is True


def test_the_limit_counts_the_last_minute_only(people, message, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.REACTION_RATE_LIMIT = 2
    toggle_reaction(actor=people.other_member, message=message, emoji="👍")
    toggle_reaction(actor=people.other_member, message=message, emoji="👍")
    Event.objects.filter(kind__startswith="reaction.").update(
        created_at=timezone.now() - timedelta(seconds=61))
    assert toggle_reaction(actor=people.other_member, message=message, emoji="👍") is True


def test_the_page_tells_live_js_why(people, message, settings):
    settings.REACTION_RATE_LIMIT = 1
    client = Client()
    client.force_login(people.other_member)
    url = reverse("message-react", args=["rma", message.pk])
    assert client.post(url, {"emoji": "👍"}, headers={"X-Requested-With": "fetch"}
                       ).status_code == 204
    answer = client.post(url, {"emoji": "🎉"}, headers={"X-Requested-With": "fetch"})
    assert answer.status_code == 429
    assert answer.json()["code"] == "rate_limited"
    assert "attendez une minute" in answer.json()["message"]
