"""The navigation offers the all-spaces report to exactly those the report lets in: it asks
communities.access, as the page does."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import User
from tests.conftest import People

pytestmark = pytest.mark.django_db


def page_for(user: User) -> tuple[str, int]:
    client = Client()
    client.force_login(user)
    html = client.get(reverse("my-spaces")).content.decode()
    return html, client.get(reverse("all-spaces-report")).status_code


def test_staff_see_the_link_to_the_report_they_may_open(people: People) -> None:
    html, status = page_for(people.staff)
    assert f'href="{reverse("all-spaces-report")}"' in html
    assert status == 200


@pytest.mark.parametrize("who", ["facilitator", "member"])
def test_people_who_are_not_staff_see_no_link_and_get_not_found(people: People,
                                                                 who: str) -> None:
    html, status = page_for(getattr(people, who))
    assert f'href="{reverse("all-spaces-report")}"' not in html
    assert status == 404
