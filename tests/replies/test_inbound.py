"""Replies by email through the service the MTA pipe and the LMTP listener share: who may
post, what is posted, and what everyone else is told (or not told)."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.db import connection
from django.utils import timezone

from communities.models import Event, Message
from communities.services.discussion import post_message
from communities.services.moderation import lock_thread
from communities.services.spaces import leave_space
from replies.addresses import reply_address
from replies.inbound import receive_mail
from replies.models import InboundMail, ReplyAddress
from tests.events_helper import verify_action
from tests.queries import count_queries
from tests.replies.helpers import reply_mail, sample

pytestmark = pytest.mark.django_db


def _deliver(raw: bytes, recipient: str, sender: str | None = "marc@exemple.qc.ca"):  # type: ignore[no-untyped-def]
    [handled] = receive_mail(raw=raw, recipients=[recipient], envelope_sender=sender)
    return handled


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_a_members_reply_appears_in_the_thread_as_them_through_the_normal_path(
        people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    raw = sample("gmail_fr", sender="marc@exemple.qc.ca", recipient=address)

    handled, events = verify_action(lambda: _deliver(raw, address), kinds=["message.created"])

    assert handled.outcome == "posted"
    message = Message.objects.get(pk=handled.message.pk)
    assert (message.author, message.thread) == (people.member, thread)
    assert message.body == "Merci Florence, je serai là jeudi avec deux collègues."
    assert events[0].payload["message"]["author"]["display_name"] == "Marc Membre"
    assert events[0].payload["thread"]["message_count"] == 2
    assert smtp_server.received == []


def test_the_sender_address_matches_whatever_its_case(people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="Marc <Marc@Exemple.QC.ca>", recipient=address.upper(),
                     body="D'accord.")
    assert _deliver(raw, address.upper()).outcome == "posted"


def test_an_address_given_for_a_message_answers_that_message(people, thread, smtp_server):
    question = post_message(actor=people.other_member, thread=thread, body="Qui vient ?").message
    address = reply_address(user=people.member, thread=thread, message=question)
    handled = _deliver(reply_mail(sender="marc@exemple.qc.ca", recipient=address,
                                  body="Moi !"), address)
    assert Message.objects.get(pk=handled.message.pk).reply_to == question


def test_a_spoofed_sender_is_refused_and_only_the_member_is_told(people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="pirate@ailleurs.example", recipient=address,
                     body="Cliquez sur ce lien https://hameconnage.example")

    handled = _deliver(raw, address, sender="pirate@ailleurs.example")

    assert (handled.outcome, handled.reason) == ("bounced", "spoofed")
    assert not Message.objects.filter(author=people.member).exists()
    [bounce] = smtp_server.wait_for(1)
    assert smtp_server.received[0].rcpt_tos == ["marc@exemple.qc.ca"]
    text = _text(bounce)
    assert "pirate@ailleurs.example" in text
    # The stranger's text is not relayed to the member.
    assert "hameconnage" not in text


def test_a_dmarc_failure_from_our_own_mta_refuses_even_a_matching_from(
        people, thread, smtp_server, settings):
    settings.REPLY_TRUSTED_AUTHSERV_IDS = ["mx.espace.exemple"]
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Faux message",
                     headers={"Authentication-Results":
                              "mx.espace.exemple; spf=pass smtp.mailfrom=ailleurs.example; "
                              "dkim=none; dmarc=fail (p=reject) header.from=exemple.qc.ca"})
    handled = _deliver(raw, address)
    assert (handled.outcome, handled.reason) == ("bounced", "authentication_failed")
    assert "dmarc=fail" in _text(smtp_server.wait_for(1)[0])
    assert not Message.objects.filter(author=people.member).exists()


def test_authentication_results_from_anyone_else_are_not_trusted(
        people, thread, smtp_server, settings):
    settings.REPLY_TRUSTED_AUTHSERV_IDS = ["mx.espace.exemple"]
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Bien reçu.",
                     headers={"Authentication-Results": "mx.ailleurs.example; spf=fail"})
    assert _deliver(raw, address).outcome == "posted"


def test_an_unknown_address_from_a_stranger_is_dropped_without_any_mail(people, smtp_server):
    recipient = "reply+" + "a" * 52 + "@localhost"
    handled = _deliver(reply_mail(sender="inconnu@ailleurs.example", recipient=recipient,
                                  body="Bonjour"), recipient)
    assert (handled.outcome, handled.reason) == ("dropped", "unknown_address")
    assert smtp_server.received == []
    assert InboundMail.objects.get().outcome == "dropped"


def test_an_unknown_address_from_a_verified_member_tells_that_member(
        people, smtp_server, settings):
    settings.REPLY_TRUSTED_AUTHSERV_IDS = ["mx.espace.exemple"]
    recipient = "reply+" + "b" * 52 + "@localhost"
    handled = _deliver(reply_mail(sender="noemie@exemple.qc.ca", recipient=recipient,
                                  body="Ma réponse importante",
                                  headers={"Authentication-Results":
                                           "mx.espace.exemple; dmarc=pass"}), recipient)
    assert handled.outcome == "bounced"
    assert smtp_server.received[0].rcpt_tos == ["noemie@exemple.qc.ca"]
    # Nothing vouches that the member wrote it: the text is not relayed.
    assert "Ma réponse importante" not in _text(smtp_server.received[0].message)


def test_an_expired_address_is_refused_without_the_text(people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    ReplyAddress.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    handled = _deliver(reply_mail(sender="marc@exemple.qc.ca", recipient=address,
                                  body="Texte à ne pas perdre"), address)
    assert (handled.outcome, handled.reason) == ("bounced", "expired_address")
    text = _text(smtp_server.wait_for(1)[0])
    assert "a expiré" in text and "has expired" in text
    assert "Texte à ne pas perdre" not in text


def test_a_member_who_left_the_space_cannot_post(people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    leave_space(actor=people.member, space=people.space)
    handled = _deliver(reply_mail(sender="marc@exemple.qc.ca", recipient=address,
                                  body="Encore moi"), address)
    assert (handled.outcome, handled.reason) == ("bounced", "forbidden")
    text = _text(smtp_server.wait_for(1)[0])
    assert "ne faites plus partie" in text
    # Someone who left is not shown the thread again.
    assert "Accessibilité des trottoirs" not in text


def test_a_locked_thread_accepts_no_reply(people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    lock_thread(actor=people.facilitator, thread=thread, locked=True)
    handled = _deliver(reply_mail(sender="marc@exemple.qc.ca", recipient=address,
                                  body="Trop tard ?"), address)
    assert (handled.outcome, handled.reason) == ("bounced", "thread_locked")
    assert "verrouillé" in _text(smtp_server.wait_for(1)[0])


def test_a_reply_with_nothing_but_the_quote_is_refused(people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    body = "\n\nLe jeu. 5 juin 2025 à 13 h 30, Florence <n@e.ca> a écrit :\n> Bonjour\n"
    handled = _deliver(reply_mail(sender="marc@exemple.qc.ca", recipient=address, body=body),
                       address)
    assert (handled.outcome, handled.reason) == ("bounced", "empty_reply")
    assert "au-dessus du message cité" in _text(smtp_server.wait_for(1)[0])


def test_a_member_posting_too_fast_is_told_to_wait(people, thread, smtp_server, settings):
    settings.POST_RATE_LIMIT = 1
    post_message(actor=people.member, thread=thread, body="Premier")
    address = reply_address(user=people.member, thread=thread)
    handled = _deliver(reply_mail(sender="marc@exemple.qc.ca", recipient=address,
                                  body="Deuxième"), address)
    assert (handled.outcome, handled.reason) == ("bounced", "rate_limited")
    assert "Deuxième" in _text(smtp_server.wait_for(1)[0])


def test_a_too_long_reply_is_refused_and_given_back(people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    handled = _deliver(reply_mail(sender="marc@exemple.qc.ca", recipient=address,
                                  body="mot " * 6_000), address)
    assert (handled.outcome, handled.reason) == ("bounced", "body_too_long")
    assert "20 000" in _text(smtp_server.wait_for(1)[0])


def test_a_message_over_the_size_cap_is_refused(people, thread, smtp_server, settings):
    settings.REPLY_MAX_MESSAGE_BYTES = 50_000
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Voir la pièce "
                     "jointe.\n" + "x" * 80_000)
    handled = _deliver(raw, address)
    assert (handled.outcome, handled.reason) == ("bounced", "too_large")
    assert not Message.objects.filter(author=people.member).exists()


@pytest.mark.parametrize("headers", [
    {"Auto-Submitted": "auto-replied"},
    {"X-Autoreply": "yes"},
    {"Precedence": "bulk"},
])
def test_out_of_office_replies_are_never_posted_nor_answered(people, thread, smtp_server,
                                                              headers):
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address,
                     body="Je suis absent jusqu'au 15 juin.", headers=headers)
    handled = _deliver(raw, address)
    assert (handled.outcome, handled.reason) == ("dropped", "automatic")
    assert smtp_server.received == []
    assert not Message.objects.filter(author=people.member).exists()


@pytest.mark.parametrize("null_sender", ["", "<>", "MAILER-DAEMON"])
def test_a_delivery_report_with_the_null_sender_is_dropped(people, thread, smtp_server,
                                                           null_sender):
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Undeliverable")
    assert _deliver(raw, address, sender=null_sender).reason == "automatic"
    assert smtp_server.received == []


def test_the_same_message_id_delivered_twice_posts_once(people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Une seule fois",
                     message_id="<unique-42@exemple.qc.ca>")
    assert _deliver(raw, address).outcome == "posted"
    assert _deliver(raw, address).outcome == "duplicate"
    assert Message.objects.filter(author=people.member).count() == 1
    assert Event.objects.filter(kind="message.created").count() == 1


def test_a_redelivery_after_the_log_was_pruned_still_posts_once(people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Une seule fois",
                     message_id="<unique-43@exemple.qc.ca>")
    _deliver(raw, address)
    InboundMail.objects.all().delete()
    assert _deliver(raw, address).outcome == "duplicate"
    assert Message.objects.filter(author=people.member).count() == 1


def test_one_message_sent_to_two_threads_is_posted_in_both(people, thread, smtp_server):
    from tests.replies.helpers import discussion

    other = discussion(author=people.facilitator, space=people.space)
    first = reply_address(user=people.member, thread=thread)
    second = reply_address(user=people.member, thread=other)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=f"{first}, {second}", body="Oui")
    handled = receive_mail(raw=raw, recipients=[first, second])
    assert [h.outcome for h in handled] == ["posted", "posted"]
    assert {h.message.thread_id for h in handled if h.message} == {thread.pk, other.pk}


def test_a_refused_duplicate_is_answered_only_once(people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="pirate@ailleurs.example", recipient=address, body="x",
                     message_id="<spoof-1@ailleurs.example>")
    _deliver(raw, address)
    assert _deliver(raw, address).outcome == "duplicate"
    assert len(smtp_server.wait_for(1)) == 1


def test_a_flood_of_refused_mail_stops_answering_after_the_hourly_limit(
        people, thread, smtp_server, settings):
    settings.REPLY_BOUNCES_PER_HOUR = 3
    address = reply_address(user=people.member, thread=thread)
    outcomes = [_deliver(reply_mail(sender="pirate@ailleurs.example", recipient=address,
                                    body=f"essai {n}"), address).outcome for n in range(5)]
    assert outcomes == ["bounced"] * 3 + ["dropped"] * 2
    assert len(smtp_server.wait_for(3)) == 3


def test_the_not_posted_email_speaks_french_first_then_english(people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    lock_thread(actor=people.facilitator, thread=thread, locked=True)
    _deliver(reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Mon avis",
                        message_id="<avis-1@exemple.qc.ca>"), address)
    [bounce] = smtp_server.wait_for(1)
    assert bounce["Subject"] == ("Votre réponse n'a pas été publiée / "
                                 "Your reply was not posted")
    assert bounce["Auto-Submitted"] == "auto-replied"
    assert bounce["In-Reply-To"] == "<avis-1@exemple.qc.ca>"
    assert bounce["Message-ID"].endswith("@localhost>") and bounce["Date"]
    assert bounce["From"] == "Espace collaboratif <ne-pas-repondre@localhost>"
    text = _text(bounce)
    french, english = text.index("Ce fil de discussion est verrouillé"), text.index(
        "This discussion thread is locked")
    assert french < english
    assert text.index("Bonjour Marc Membre") < text.index("Hello Marc Membre")
    assert f"/espaces/rma/fils/{thread.pk}/" in text
    assert text.rstrip().endswith("Mon avis")


def test_a_deactivated_account_is_never_posted_for_nor_written_to(people, thread, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    people.member.is_active = False
    people.member.save()
    handled = _deliver(reply_mail(sender="marc@exemple.qc.ca", recipient=address,
                                  body="Bonjour"), address)
    assert (handled.outcome, handled.reason) == ("dropped", "inactive_account")
    assert smtp_server.received == []


def test_mail_for_another_domain_is_ignored(people, smtp_server):
    assert _deliver(b"From: a@b.c\r\n\r\nx", "reply+abc@ailleurs.example").reason == "not_ours"
    assert not InboundMail.objects.exists()


@pytest.mark.parametrize("earlier_replies", [0, 20])
def test_posting_a_reply_by_email_costs_a_fixed_number_of_queries(
        people, thread, smtp_server, earlier_replies):
    for n in range(earlier_replies):
        post_message(actor=people.other_member, thread=thread, body=f"Réponse {n}")
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Compté")
    with count_queries(exactly=QUERIES_PER_REPLY):
        assert _deliver(raw, address).outcome == "posted"


# Transaction and claim (savepoints + insert), the address with its member and thread in one
# query, the savepoint that takes files and post together, post_message's own (membership,
# earlier client_id and rate in one, then the write), the address's last use and the
# claim's outcome, whatever the thread holds: 13 on PostgreSQL, where a plain post's write is
# one statement; 18 where there is no data-modifying WITH, as on SQLite (a savepoint, the
# bump, the seq, the message, the event, the savepoint released).
QUERIES_PER_REPLY = {"postgresql": 13}.get(connection.vendor, 18)


def _with_files(*, sender: str, recipient: str, body: str) -> bytes:
    from email.policy import SMTP

    message = EmailMessage()
    message["From"], message["To"] = sender, recipient
    message["Subject"], message["Message-ID"] = "Re: Plans", "<fichiers-1@exemple.qc.ca>"
    message.set_content(body)
    message.add_alternative("<p>" + body + "</p><img src='cid:logo'>", subtype="html")
    message.get_payload()[1].add_related(b"\x89PNG...", "image", "png", cid="<logo>",  # type: ignore[index,union-attr]
                                         disposition="inline", filename="image001.png")
    message.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf",
                           filename="plan-parc.pdf")
    return message.as_bytes(policy=SMTP)


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    root = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root)}}}
    return root


def _stored_files(root) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(path.name for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_files_sent_with_a_reply_become_the_spaces_documents_attached_to_it(
        people, thread, smtp_server, media):
    from docs_store.models import Document, SpaceDocumentSettings, UploadsBy

    SpaceDocumentSettings.objects.create(space=people.space, uploads_by=UploadsBy.MEMBERS)
    address = reply_address(user=people.member, thread=thread)
    handled, _events = verify_action(
        lambda: _deliver(_with_files(sender="marc@exemple.qc.ca", recipient=address,
                                     body="Voici le plan."), address),
        kinds=["document.created", "message.created"])
    assert handled.outcome == "posted"
    message = Message.objects.get(author=people.member)
    [attachment] = message.attachments.select_related("document")  # type: ignore[attr-defined]
    assert attachment.document is not None and attachment.document.title == "plan-parc"
    # The signature logo shown inline is not a file they chose to share.
    assert Document.objects.count() == 1
    assert len(_stored_files(media)) == 1
    assert smtp_server.received == []


def test_files_the_member_may_not_share_are_named_in_a_notice_and_leave_nothing(
        people, thread, smtp_server, media):
    from docs_store.models import Document

    # By default only the facilitators of a space upload documents.
    address = reply_address(user=people.member, thread=thread)
    handled = _deliver(_with_files(sender="marc@exemple.qc.ca", recipient=address,
                                   body="Voici le plan."), address)
    assert handled.outcome == "posted"
    assert Message.objects.get(author=people.member).body == "Voici le plan."
    assert not Document.objects.exists() and _stored_files(media) == []
    [notice] = smtp_server.wait_for(1)
    assert notice["Subject"].strip() == (
        "Votre réponse a été publiée sans certaines pièces jointes / "
        "Your reply was posted without some of its attachments")
    text = _text(notice)
    assert "plan-parc.pdf (" in text and "image001.png" not in text
    assert text.index("Déposez-les dans les documents") < text.index("Upload them")


def test_a_refused_reply_keeps_none_of_its_files(people, thread, smtp_server, media):
    from docs_store.models import Document, SpaceDocumentSettings, UploadsBy

    SpaceDocumentSettings.objects.create(space=people.space, uploads_by=UploadsBy.MEMBERS)
    lock_thread(actor=people.facilitator, thread=thread, locked=True)
    address = reply_address(user=people.member, thread=thread)
    handled = _deliver(_with_files(sender="marc@exemple.qc.ca", recipient=address,
                                   body="Voici le plan."), address)
    assert (handled.outcome, handled.reason) == ("bounced", "thread_locked")
    assert not Document.objects.exists() and _stored_files(media) == []


def test_a_reply_with_files_delivered_twice_adds_them_once(people, thread, smtp_server, media):
    from docs_store.models import Document, SpaceDocumentSettings, UploadsBy

    SpaceDocumentSettings.objects.create(space=people.space, uploads_by=UploadsBy.MEMBERS)
    address = reply_address(user=people.member, thread=thread)
    raw = _with_files(sender="marc@exemple.qc.ca", recipient=address, body="Voici le plan.")
    _deliver(raw, address)
    InboundMail.objects.all().delete()  # as after pruning: the post's client_id still holds
    assert _deliver(raw, address).outcome == "duplicate"
    assert Document.objects.count() == 1 and len(_stored_files(media)) == 1


def test_a_message_id_that_is_not_one_is_not_echoed_in_the_answer(people, thread,
                                                                   smtp_server):
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="pirate@ailleurs.example", recipient=address, body="x",
                     message_id="<a b>\tBcc: victime@ailleurs.example")
    assert _deliver(raw, address).outcome == "bounced"
    [bounce] = smtp_server.wait_for(1)
    assert " " not in str(bounce["In-Reply-To"] or "")
    assert "victime" not in str(bounce["In-Reply-To"] or "") and bounce["Bcc"] is None
    assert smtp_server.received[0].rcpt_tos == ["marc@exemple.qc.ca"]


def test_staff_can_read_why_a_reply_was_not_posted_but_change_nothing(people, thread,
                                                                      smtp_server, client):
    address = reply_address(user=people.member, thread=thread)
    lock_thread(actor=people.facilitator, thread=thread, locked=True)
    _deliver(reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="x"), address)
    people.staff.is_superuser = True
    people.staff.save()
    client.force_login(people.staff)
    page = client.get("/admin/replies/inboundmail/")
    assert page.status_code == 200
    assert "thread_locked" in page.content.decode()
    row = InboundMail.objects.get()
    assert client.post(f"/admin/replies/inboundmail/{row.pk}/delete/").status_code == 403
    assert InboundMail.objects.filter(pk=row.pk).exists()
