"""The space page lists its threads a page at a time: the most recently active first, then a
plain "Fils plus anciens" link (no JavaScript needed) to the next page. What a page costs in
queries does not depend on how many threads the space holds."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Thread
from frontend.views.spaces import THREADS_PER_PAGE
from tests.clients import Personas
from tests.conftest import People
from tests.queries import count_queries


def make_threads(people: People, n: int) -> list[Thread]:
    """``n`` threads, "Fil 0" the most recently active."""
    now = timezone.now()
    return Thread.objects.bulk_create([
        Thread(space=people.space, title=f"Fil {i}", author=people.other_member,
               created_at=now - timedelta(days=30), last_activity_at=now - timedelta(hours=i))
        for i in range(n)])


def listed(html: str) -> list[str]:
    return re.findall(r"data-thread-link>([^<]+)</a>", html)


def older_link(html: str) -> str | None:
    found = re.search(r'rel="next" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_threads_come_a_page_at_a_time_most_recent_first(people: People, web: Personas) -> None:
    make_threads(people, THREADS_PER_PAGE + 5)
    url = reverse("space", args=[people.space.slug])
    first = web.member.get(url).content.decode()
    assert listed(first) == [f"Fil {i}" for i in range(THREADS_PER_PAGE)]
    assert "Fils plus anciens" in first and "Fils plus récents" not in first
    link = older_link(first)
    assert link == f"{url}?page=2"

    second = web.member.get(link).content.decode()
    assert listed(second) == [f"Fil {i}" for i in range(THREADS_PER_PAGE, THREADS_PER_PAGE + 5)]
    assert older_link(second) is None
    assert f'rel="prev" href="{url}"' in second
    assert f'start="{THREADS_PER_PAGE + 1}"' in second


def test_pinned_threads_lead_the_first_page_only(people: People, web: Personas) -> None:
    threads = make_threads(people, THREADS_PER_PAGE + 2)
    Thread.objects.filter(pk=threads[-1].pk).update(pinned_at=timezone.now())
    url = reverse("space", args=[people.space.slug])
    first = listed(web.member.get(url).content.decode())
    assert first[0] == f"Fil {THREADS_PER_PAGE + 1}"
    second = listed(web.member.get(url + "?page=2").content.decode())
    assert f"Fil {THREADS_PER_PAGE + 1}" not in second
    assert len(first) + len(second) == THREADS_PER_PAGE + 2


def test_no_link_when_everything_fits(people: People, web: Personas) -> None:
    make_threads(people, 3)
    html = web.member.get(reverse("space", args=[people.space.slug])).content.decode()
    assert listed(html) == ["Fil 0", "Fil 1", "Fil 2"]
    assert "Fils plus anciens" not in html and "thread-pages" not in html


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "²", "9" * 40, ""])
def test_a_bad_page_number_shows_the_first_page(people: People, web: Personas,
                                                page: str) -> None:
    make_threads(people, THREADS_PER_PAGE + 1)
    response = web.member.get(reverse("space", args=[people.space.slug]), {"page": page})
    assert response.status_code == 200
    assert listed(response.content.decode())[0] == "Fil 0"


def test_a_page_past_the_end_says_so_and_links_back(people: People, web: Personas) -> None:
    make_threads(people, 2)
    url = reverse("space", args=[people.space.slug])
    response = web.member.get(url, {"page": "7"})
    html = response.content.decode()
    assert response.status_code == 200
    assert listed(html) == []
    assert "Cette page ne contient plus de fils" in html
    assert f'rel="prev" href="{url}?page=6"' in html


def test_an_outsider_still_gets_404_on_any_page(people: People, web: Personas) -> None:
    make_threads(people, THREADS_PER_PAGE + 1)
    url = reverse("space", args=[people.space.slug])
    assert web.outsider.get(url).status_code == 404
    assert web.outsider.get(url, {"page": "2"}).status_code == 404
    assert web.outsider.get(url, {"page": "abc"}).status_code == 404


def test_staff_outside_the_space_still_read_it(people: People, web: Personas) -> None:
    make_threads(people, 2)
    response = web.staff.get(reverse("space", args=[people.space.slug]))
    assert response.status_code == 200
    assert listed(response.content.decode()) == ["Fil 0", "Fil 1"]


def page_queries(web: Personas, url: str) -> int:
    web.member.get(url)  # sessions and caches warm
    with count_queries() as captured:
        assert web.member.get(url).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_for_10_and_100_threads(people: People,
                                                                web: Personas) -> None:
    url = reverse("space", args=[people.space.slug])
    make_threads(people, 10)
    small = page_queries(web, url)
    Thread.objects.all().delete()
    make_threads(people, 100)
    large = page_queries(web, url)
    assert small == large == 13
