"""A digest as it arrives over real SMTP: its MIME structure, its headers, its language, and
what it tells the member."""

from __future__ import annotations

import io
import re
from email.utils import parsedate_to_datetime

import pytest
from django.test import Client
from django.utils import timezone

from communities.models import Language, User
from communities.services.spaces import leave_space
from docs_store.services import upload_document
from emails.models import DigestDelivery, EmailPreferences, SpaceEmailPreferences
from emails.preferences import set_preferences
from tests.conftest import People
from tests.emails.helpers import (
    html_of,
    join_links,
    path_of,
    send_weekly,
    text_of,
    week_of_activity,
)
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_digest_has_a_text_and_an_html_part_and_the_headers_mail_clients_need(
        people: People, smtp_server: Mailbox) -> None:
    week_of_activity(people)
    send_weekly([people.member.pk])

    [message] = smtp_server.wait_for(1)
    assert smtp_server.received[0].rcpt_tos == [people.member.email]
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert re.fullmatch(r"<digest\.\d+@localhost>", message["Message-ID"])
    assert abs((parsedate_to_datetime(message["Date"]) - timezone.now()).total_seconds()) < 60
    assert message["From"] == "Espace collaboratif <ne-pas-repondre@localhost>"
    assert message["Subject"] == "Votre résumé de la semaine — Espace collaboratif"
    assert message["Content-Language"] == "fr-ca"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = [v.strip(" <>") for v in message["List-Unsubscribe"].split(",")]
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/courriel/desabonnement/[0-9a-f-]+/", https)
    assert re.fullmatch(r"mailto:unsubscribe\+[0-9a-f-]+@localhost\?subject=unsubscribe", mailto)
    assert message["Auto-Submitted"] == "auto-generated"


def test_the_digest_tells_what_happened_in_each_space(people: People,
                                                      smtp_server: Mailbox) -> None:
    week_of_activity(people)
    send_weekly([people.member.pk])

    text = text_of(smtp_server.wait_for(1)[0])
    assert "== Réseau Municipalités accessibles ==" in text
    assert "-- Messages qui vous mentionnent --" in text
    assert "Florence Animatrice vous mentionne" in text
    assert "-- Nouveaux fils de discussion --" in text
    assert "Parcs inclusifs : vos exemples" in text
    assert "lancé par Florence Animatrice" in text
    assert "-- Discussions les plus actives --" in text
    # Budget 2027 (started by Marc, so not "new" for him): two messages since, two people.
    assert "2 nouveaux messages — avec Noémie Membre et Florence Animatrice" in text
    # His own thread is not announced to him as new.
    assert "lancé par Marc Membre" not in text


def test_the_html_part_has_real_headings_and_no_remote_images(people: People,
                                                              smtp_server: Mailbox) -> None:
    week_of_activity(people)
    send_weekly([people.member.pk])

    html = html_of(smtp_server.wait_for(1)[0])
    assert '<html lang="fr-ca">' in html
    assert re.search(r"<h1[^>]*>Votre résumé de la semaine</h1>", html)
    assert re.search(r"<h2[^>]*>Réseau Municipalités accessibles</h2>", html)
    assert re.search(r"<h3[^>]*>Messages qui vous mentionnent</h3>", html)
    assert '<meta name="viewport"' in html
    assert "<img" not in html
    assert "<script" not in html


def test_every_link_in_the_digest_is_a_join_back_link_of_its_own(people: People,
                                                                 smtp_server: Mailbox) -> None:
    week_of_activity(people)
    send_weekly([people.member.pk])

    message = smtp_server.wait_for(1)[0]
    text_links, html_links = join_links(text_of(message)), join_links(html_of(message))
    assert text_links == html_links
    # 1 mention, 1 new thread, 2 active threads, the space, the preferences.
    assert len(text_links) == 6


def test_an_english_speaking_member_gets_it_in_english(people: People,
                                                       smtp_server: Mailbox) -> None:
    User.objects.filter(pk=people.member.pk).update(language=Language.ENGLISH)
    week_of_activity(people)
    send_weekly([people.member.pk])

    message = smtp_server.wait_for(1)[0]
    assert message["Subject"] == "Your weekly digest — Espace collaboratif"
    assert message["Content-Language"] == "en"
    assert "-- Messages that mention you --" in text_of(message)
    assert '<html lang="en">' in html_of(message)


def test_new_documents_and_versions_are_listed(people: People, smtp_server: Mailbox,
                                               settings: object, tmp_path: object) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {  # type: ignore[attr-defined]
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    upload_document(actor=people.facilitator, space=people.space, file=io.BytesIO(PDF),
                    file_name="guide.pdf", title="Guide des parcs accessibles")
    send_weekly([people.member.pk])

    text = text_of(smtp_server.wait_for(1)[0])
    assert "-- Nouveaux documents et versions --" in text
    assert "Guide des parcs accessibles" in text
    assert "ajouté par Florence Animatrice" in text
    # Its link opens the document's page for Marc once he is signed in by it, and the page's
    # download link gives the file.
    link = text.split("Guide des parcs accessibles", 1)[1].split("\n")[2].strip()
    client = Client()
    page = client.get(path_of(link))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    landed = client.post(path_of(link), {"csrfmiddlewaretoken": token[1]})
    document_page = client.get(landed["Location"])
    assert document_page.status_code == 200
    assert "Guide des parcs accessibles" in document_page.content.decode()
    href = re.search(r'href="([^"]+/telecharger/)"', document_page.content.decode())
    assert href is not None
    download = client.get(href[1])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert Client().get(landed["Location"]).status_code == 302  # not signed in: log in first


def test_nothing_new_means_no_email(people: People, smtp_server: Mailbox) -> None:
    result = send_weekly([people.member.pk])

    assert result.empty == [people.member.pk]
    assert smtp_server.received == []
    assert DigestDelivery.objects.get(user=people.member).state == "empty"


def test_only_what_others_did_counts_as_new(people: People, smtp_server: Mailbox) -> None:
    from communities.services.discussion import start_thread

    start_thread(actor=people.member, space=people.space, title="Mon fil", body="Seul ici.")
    send_weekly([people.member.pk])

    assert smtp_server.received == []


def test_a_space_the_member_left_is_not_in_the_digest(people: People,
                                                      smtp_server: Mailbox) -> None:
    week_of_activity(people)
    leave_space(actor=people.member, space=people.space)

    result = send_weekly([people.member.pk])

    assert result.sent == []
    assert smtp_server.received == []


def test_a_member_who_chose_no_digest_gets_none(people: People, smtp_server: Mailbox) -> None:
    week_of_activity(people)
    EmailPreferences.objects.create(user=people.member, digest="off")

    send_weekly([people.member.pk])

    assert smtp_server.received == []
    assert not DigestDelivery.objects.exists()


def test_a_space_set_to_daily_leaves_the_weekly_digest(people: People,
                                                       smtp_server: Mailbox) -> None:
    week_of_activity(people)
    set_preferences(user=people.member, digest="weekly", notifications="immediate",
                    spaces={people.space.pk: ("daily", False)})
    assert SpaceEmailPreferences.objects.get(user=people.member).digest == "daily"

    send_weekly([people.member.pk])
    assert smtp_server.received == []

    from emails.digest import periods, sending

    now = timezone.now()
    sending.send_batch(frequency="daily", period=periods.period_key("daily", now),
                       user_ids=[people.member.pk], now=now)
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Votre résumé du jour — Espace collaboratif"


def test_the_next_digest_starts_where_the_previous_one_ended(people: People,
                                                             smtp_server: Mailbox) -> None:
    week_of_activity(people)
    send_weekly([people.member.pk])
    smtp_server.wait_for(1)
    # Pretend that digest was last week's, then nothing happens: next week's is empty.
    DigestDelivery.objects.update(period="2000-W01")

    result = send_weekly([people.member.pk])

    assert result.empty == [people.member.pk]
    assert len(smtp_server.received) == 1


def test_each_thread_in_the_digest_can_be_answered_by_email(people: People,
                                                            smtp_server: Mailbox) -> None:
    from replies.addresses import find_reply_address, token_from_local_part

    activity = week_of_activity(people)
    send_weekly([people.member.pk])

    text = text_of(smtp_server.wait_for(1)[0])
    addresses = re.findall(r"Répondre par courriel : (reply\+[a-z0-9]+)@localhost", text)
    assert len(addresses) == 4  # the mention, the new thread, the two active threads
    threads = set()
    for local in addresses:
        token = token_from_local_part(local, prefix="reply+")
        assert token is not None
        found = find_reply_address(token)
        assert found is not None and found.user == people.member
        threads.add(found.thread_id)
    assert threads == {activity.parks.pk, activity.budget.pk}


def test_a_busy_space_shows_the_newest_few_and_counts_the_rest(people: People,
                                                               smtp_server: Mailbox) -> None:
    from communities.services.discussion import start_thread

    for n in range(11):
        start_thread(actor=people.facilitator, space=people.space, title=f"Sujet {n}",
                     body="Une question.")
    send_weekly([people.member.pk])

    text = text_of(smtp_server.wait_for(1)[0])
    assert "Sujet 10" in text and "Sujet 3" in text
    assert "Sujet 2\n" not in text
    assert "… et 3 autres dans l'espace : http://" in text


def test_an_invitation_leaves_through_the_same_path_with_both_parts(
        people: People, smtp_server: Mailbox, django_capture_on_commit_callbacks: object) -> None:
    from communities.services.spaces import invite_member

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        sent = invite_member(actor=people.facilitator, space=people.space,
                             email="nouvelle@exemple.qc.ca")

    [message] = smtp_server.wait_for(1)
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Message-ID"].endswith("@localhost>")
    assert message["Content-Language"] == "fr-ca"
    assert "List-Unsubscribe" not in message  # an invitation is not a list
    assert sent.token in html_of(message)
