"""Mail knows nothing of the apps that add to it: digest sections and one-click link actions
are registered by name when those apps are ready, and a link naming an action nobody offers
any more still works as a plain link."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from emails import actions, joinlinks
from emails.digest.sections import Section, default_sections, register_section
from emails.models import JoinLink
from meetings.link_actions import AnswerMeeting
from meetings.rsvp_links import RSVP, rsvp_effect
from tests.conftest import People

pytestmark = pytest.mark.django_db


def test_meetings_sections_come_after_mentions_and_before_threads() -> None:
    assert [section.key for section in default_sections()] == [
        "mentions", "meetings", "my_actions", "overdue_actions", "polls", "new_threads",
        "unanswered_questions", "active", "documents"]


def test_each_batch_gets_fresh_sections() -> None:
    first, second = default_sections(), default_sections()
    assert not {id(s) for s in first} & {id(s) for s in second}


def test_a_second_section_under_a_taken_key_is_refused() -> None:
    class Impostor(Section):
        key = "meetings"

    with pytest.raises(ValueError, match="meetings"):
        register_section(Impostor)


def test_the_rsvp_action_is_registered_by_meetings_and_keeps_its_stored_form() -> None:
    assert rsvp_effect(answer="yes", meeting_id=42) == "rsvp:yes:42"
    with pytest.raises(ValueError, match="already registered"):
        actions.register(RSVP, AnswerMeeting())


def test_an_action_nobody_registered_cannot_be_put_in_a_link() -> None:
    with pytest.raises(LookupError):
        actions.effect("sondage", "1")


def test_a_link_whose_action_is_unknown_is_a_plain_link_and_says_so_in_the_log(
        people: People, caplog: pytest.LogCaptureFixture) -> None:
    link, _raw = joinlinks.new_link(user=people.member, space=people.space,
                                    target=reverse("space", args=[people.space.slug]))
    link.action = "retired:7"
    link.save()
    stored = JoinLink.objects.get(pk=link.pk)
    with caplog.at_level(logging.WARNING, logger="emails.actions"):
        assert actions.describe(stored) == ""
        assert actions.perform(link=stored, user=people.member) is None
    assert "retired" in caplog.text
