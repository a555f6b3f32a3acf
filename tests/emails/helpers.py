"""What the email tests share: a week of activity in the space, sending a digest batch, and
reading links back out of what arrived over SMTP."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage

from django.utils import timezone

from communities.models import Message, Thread
from communities.services.discussion import post_message, start_thread
from emails.digest import periods, sending
from emails.digest.sending import BatchResult
from tests.conftest import People

JOIN_LINK = re.compile(r"https?://[^\s\"'<>]+/courriel/lien/[A-Za-z0-9_-]+/")


@dataclass
class Activity:
    parks: Thread
    budget: Thread
    mention: Message
    reply_to_member: Message


def week_of_activity(people: People) -> Activity:
    """Florence opens a thread that mentions Marc, Noémie answers Marc's message in another
    one, three messages follow: the material of Marc's digest."""
    parks = start_thread(actor=people.facilitator, space=people.space,
                         title="Parcs inclusifs : vos exemples",
                         body="Bonjour @**Marc Membre**, avez-vous des photos des modules ?")
    budget = start_thread(actor=people.member, space=people.space, title="Budget 2027",
                          body="Quelles sommes prévoyez-vous pour l'accessibilité ?")
    reply = post_message(actor=people.other_member, thread=budget.thread,
                         body="Chez nous, 40 000 $ pour les bâtiments.",
                         reply_to=budget.message.pk)
    post_message(actor=people.facilitator, thread=budget.thread, body="Merci, c'est utile.")
    post_message(actor=people.other_member, thread=parks.thread, body="Voici nos modules.")
    return Activity(parks=parks.thread, budget=budget.thread, mention=parks.message,
                    reply_to_member=reply.message)


def send_weekly(user_ids: list[int], **options: object) -> BatchResult:
    now = timezone.now()
    return sending.send_batch(frequency="weekly", period=periods.period_key("weekly", now),
                              user_ids=user_ids, now=now, **options)  # type: ignore[arg-type]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def join_links(text: str) -> list[str]:
    return list(dict.fromkeys(JOIN_LINK.findall(text)))


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]
