"""Who reaches which page: members read their spaces, staff read any, an outsider gets the
same 404 as for a space that does not exist, and someone signed out is sent to sign in."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from communities.models import Message, Thread
from communities.services.reactions import EMOJI
from tests.clients import Personas
from tests.conftest import People
from tests.frontend.helpers import first, page_urls


def test_outsider_gets_404_everywhere(web: Personas, people: People, thread: Thread) -> None:
    client = web.outsider
    for url in page_urls(people, thread)[1:]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("thread", args=["rma", thread.pk]),
                       {"body": "intrus"}).status_code == 404
    assert client.get(reverse("space", args=["inexistant"])).status_code == 404
    assert not Message.objects.filter(body="intrus").exists()


def test_thread_under_the_wrong_space_is_404(web: Personas, people: People, thread: Thread) -> None:
    assert web.member.get(
        reverse("thread", args=["autre", thread.pk])).status_code == 404


def test_staff_reads_any_space(web: Personas, people: People, thread: Thread) -> None:
    client = web.staff
    for url in page_urls(people, thread):
        assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_login(web: Personas, people: People, thread: Thread) -> None:
    client = web.anonymous
    for url in page_urls(people, thread):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_login_form_signs_in_and_logout_is_a_post(people: People) -> None:
    client = Client()
    page = client.get(reverse("login"))
    assert page.status_code == 200 and 'for="id_username"' in page.content.decode()
    wrong = client.post(reverse("login"), {"username": "marc@exemple.qc.ca", "password": "non"})
    assert wrong.status_code == 200 and "form-errors" in wrong.content.decode()
    response = client.post(reverse("login"), {"username": "marc@exemple.qc.ca",
                                              "password": "mot-de-passe-solide-42"})
    assert response.status_code == 302 and response["Location"] == reverse("my-spaces")
    assert client.get(reverse("my-spaces")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("my-spaces")).status_code == 302


def test_outsider_gets_404_on_every_conversation_url(
        web: Personas, people: People, thread: Thread) -> None:
    message = first(thread)
    client = web.outsider
    gets = [reverse(name, args=["rma", message.pk]) for name in
            ("message-edit", "message-delete", "message-history")]
    gets += [reverse("thread-rename", args=["rma", thread.pk])]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [(reverse("message-react", args=["rma", message.pk]), {"emoji": EMOJI[0]}),
             (reverse("message-edit", args=["rma", message.pk]), {"body": "x"}),
             (reverse("message-delete", args=["rma", message.pk]), {}),
             (reverse("thread-pin", args=["rma", thread.pk]), {"pinned": "1"}),
             (reverse("thread-lock", args=["rma", thread.pk]), {"locked": "1"}),
             (reverse("thread-read", args=["rma", thread.pk]), {"up_to": message.pk}),
             (reverse("thread", args=["rma", thread.pk]), {"body": "intrus"})]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    # A message is only reachable under its own space.
    assert web.member.get(
        reverse("message-history", args=["autre", message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.body == "Qui a un **guide** des bancs ?" and not message.reactions.exists()
