"""The preferences page: reached signed in (join-back links in every email land here), saves
general and per-space choices, explains a bad value instead of failing, and never keeps a
choice for a space the member is not in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from communities.models import Space
from emails.models import EmailPreferences, SpaceEmailPreferences
from emails.preferences import choices_of
from tests.clients import client_for
from tests.conftest import People
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db
URL = "/courriel/preferences/"


def _signed_in(people: People) -> Client:
    return client_for(people.member)


def test_the_defaults_are_a_weekly_digest_and_notifications_right_away(people: People) -> None:
    page = _signed_in(people).get(URL)

    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<input[^>]*name="digest"[^>]*value="weekly"[^>]*checked', html)
    assert re.search(r'<input[^>]*name="notifications"[^>]*value="immediate"[^>]*checked', html)
    choices = choices_of(people.member)
    assert (choices.digest, choices.notifications) == ("weekly", "immediate")
    assert "Réseau Municipalités accessibles" in html


def test_choices_are_saved_generally_and_per_space(people: People) -> None:
    answer = _signed_in(people).post(URL, {
        "digest": "daily", "notifications": "batched",
        f"space_{people.space.pk}_digest": "off", f"space_{people.space.pk}_muted": "on",
    })

    assert answer.status_code == 302
    general = EmailPreferences.objects.get(user=people.member)
    assert (general.digest, general.notifications) == ("daily", "batched")
    override = SpaceEmailPreferences.objects.get(user=people.member, space=people.space)
    assert (override.digest, override.notifications_muted) == ("off", True)


def test_a_bad_value_is_explained_and_nothing_changes(people: People) -> None:
    answer = _signed_in(people).post(URL, {"digest": "hourly", "notifications": "immediate"})

    assert answer.status_code == 400
    assert "Sélectionnez un choix valide" in answer.content.decode()
    assert not EmailPreferences.objects.exists()


def test_a_space_one_is_not_in_is_ignored(people: People) -> None:
    other = Space.objects.create(slug="vs", name="Voisins solidaires")
    from emails.preferences import set_preferences

    set_preferences(user=people.member, digest="weekly", notifications="immediate",
                    spaces={other.pk: ("daily", True)})

    assert not SpaceEmailPreferences.objects.filter(space=other).exists()


def test_signed_out_people_are_sent_to_sign_in(people: People) -> None:
    answer = Client().get(URL)

    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("login"))


@pytest.mark.django_db(transaction=True)
def test_send_notifications_enqueues_a_task_the_worker_runs(people: People, smtp_server: Mailbox,
                                                            settings: Any) -> None:
    from communities.services.discussion import start_thread

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    start_thread(actor=people.facilitator, space=people.space, title="Parcs",
                 body="@**Marc Membre**, une question.")

    call_command("send_notifications", verbosity=0)
    assert smtp_server.received == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    [message] = smtp_server.wait_for(1)
    assert message["To"] == people.member.email
