"""The search page: results linked in their context, the form alone, a clear French answer to
an empty query, nothing from spaces one is not in, and no error past the last page. What is
found, and how, is tested with the service in tests/communities/test_search.py."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.clients import Personas, client_for
from tests.conftest import People, make_user


def test_search_page_lists_results_linked_in_context(web: Personas, people: People, talk) -> None:
    client = web.member
    response = client.get(reverse("search"), {"q": "accessibilite"})
    html = response.content.decode()
    assert response.status_code == 200
    url = reverse("thread", args=["rma", talk["lunch"].thread.pk])
    assert f'href="{url}?message={talk["access"].pk}#message-{talk["access"].pk}"' in html
    assert "<mark>accessibilité</mark>" in html
    assert "Programme de l&#x27;automne" in html
    assert 'role="search"' in html and 'for="search-q"' in html and 'for="site-search-q"' in html
    # The anchor the result links to exists on the thread page.
    thread_page = client.get(url).content.decode()
    assert f'id="message-{talk["access"].pk}"' in thread_page


def test_search_page_without_query_shows_the_form(web: Personas, people: People) -> None:
    client = web.member
    response = client.get(reverse("search"))
    assert response.status_code == 200 and 'name="q"' in response.content.decode()


def test_search_page_empty_query_and_no_result(web: Personas, people: People, talk) -> None:
    client = web.member
    empty = client.get(reverse("search"), {"q": " ? "})
    assert empty.status_code == 400
    assert "Saisissez au moins un mot à rechercher." in empty.content.decode()
    none = client.get(reverse("search"), {"q": "hippopotame"})
    assert none.status_code == 200 and "Aucun résultat" in none.content.decode()


def test_search_page_is_private(people: People, talk) -> None:
    assert Client().get(reverse("search"), {"q": "parc"}).status_code == 302
    client = client_for(make_user("zoe@exemple.qc.ca", "Zoé Ailleurs"))
    response = client.get(reverse("search"), {"q": "accessibilite"})
    assert response.status_code == 200 and "Aucun résultat" in response.content.decode()
    assert client.get(reverse("search"), {"q": "parc", "space": "rma"}).status_code == 404


def test_a_search_page_past_the_end_is_empty_not_an_error(api, web, people):
    answer = web.member.get(reverse("search") + "?q=parc&page=99999999999999999999")
    assert answer.status_code in {200, 400}
    found = api.member.get("/api/v1/search?q=parc&page=99999999999999999")
    assert found.status_code == 200 and found.json()["results"] == []
