"""Reading the pages the way the tests look at them."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from communities.models import Message, Thread
from tests.conftest import People


def page_urls(people: People, thread: Thread) -> list[str]:
    """The pages of a space a member reads, my spaces first."""
    return [
        reverse("my-spaces"),
        reverse("space", args=[people.space.slug]),
        reverse("thread", args=[people.space.slug, thread.pk]),
        reverse("members", args=[people.space.slug]),
    ]


def first(thread: Thread) -> Message:
    message = thread.messages.order_by("pk").first()
    assert message is not None
    return message


def thread_page(client: Client, thread: Thread) -> str:
    response = client.get(reverse("thread", args=["rma", thread.pk]))
    assert response.status_code == 200
    return response.content.decode()


def message_html(html: str, message_id: int) -> str:
    """One message's <li> in a thread page."""
    start = html.index(f'<li id="message-{message_id}"')
    return html[start:html.index("</li>\n", html.index("</article>", start))]


#: What the invitation sign-up asks besides the name and the password.
SIGN_UP_PROFILE = {"organisation": "Ville de Rimouski", "municipality": "Rimouski",
                   "region": "01", "kind": "municipal_staff"}
