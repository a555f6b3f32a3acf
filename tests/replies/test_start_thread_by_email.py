"""A space's posting address: a member writing from their own verified address starts a
thread (subject, text, files); everyone and everything else is refused, a member told in
French then English, a stranger nothing."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from django.urls import reverse

from communities.models import Event, Membership, Space, Thread
from replies import posting
from replies.inbound import receive_mail
from replies.models import InboundMail, PostingAddress
from tests.clients import client_for
from tests.conftest import People
from tests.events_helper import verify_action
from tests.replies.helpers import reply_mail

pytestmark = pytest.mark.django_db

VERIFIED = {"Authentication-Results": "mx.espace.exemple; dmarc=pass header.from=exemple.qc.ca"}


@pytest.fixture(autouse=True)
def _trusted_mta(settings) -> None:  # type: ignore[no-untyped-def]
    settings.REPLY_TRUSTED_AUTHSERV_IDS = ["mx.espace.exemple"]


def new_thread_mail(*, sender: str, recipient: str, subject: str = "Déneigement des trottoirs",
                    body: str = "Qui a une politique écrite sur le déneigement ?",
                    headers: dict[str, str] | None = None, files: bool = False) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, recipient, subject
    message["Message-ID"] = f"<nouveau-{abs(hash((sender, subject, body)))}@exemple.qc.ca>"
    for name, value in (VERIFIED if headers is None else headers).items():
        message[name] = value
    message.set_content(body)
    if files:
        message.add_attachment(b"Ordre du jour\n1. Bilan\n", maintype="text", subtype="plain",
                               filename="ordre-du-jour.txt")
    return message.as_bytes(policy=SMTP)


def deliver(raw: bytes, recipient: str):  # type: ignore[no-untyped-def]
    [handled] = receive_mail(raw=raw, recipients=[recipient], envelope_sender="x@exemple.qc.ca")
    return handled


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_the_address_is_the_slug_and_a_token_stored_only_as_a_hash(people: People) -> None:
    address = posting.address_of(people.space)
    local, domain = address.split("@")
    assert domain == "localhost" and local.startswith("rma+") and len(local) <= 64
    assert posting.address_of(people.space) == address  # stable until rotated
    row = PostingAddress.objects.get(space=people.space)
    assert local.split("+")[1] not in (row.token_hash, row.nonce)


def test_a_long_slug_still_fits_in_a_local_part(people: People) -> None:
    space = Space.objects.create(slug="c" * 60, name="Comité au très long identifiant")
    local = posting.address_of(space).split("@")[0]
    assert len(local) == 64
    assert posting.space_for(local) == space


def test_a_verified_member_starts_a_thread(people: People, smtp_server) -> None:  # type: ignore[no-untyped-def]
    address = posting.address_of(people.space)
    raw = new_thread_mail(sender="Marc <Marc@Exemple.qc.ca>", recipient=address,
                          subject="Tr : Déneigement des trottoirs")
    handled, events = verify_action(lambda: deliver(raw, address), kinds=["thread.created"])
    assert handled.outcome == "posted"
    thread = Thread.objects.get()
    assert (thread.title, thread.author, thread.space) == (
        "Déneigement des trottoirs", people.member, people.space)
    assert handled.message.body == "Qui a une politique écrite sur le déneigement ?"
    assert events[0].space_id == people.space.pk
    assert smtp_server.received == []
    # The same message delivered again starts nothing more.
    assert deliver(raw, address).outcome == "duplicate"
    assert Thread.objects.count() == 1


def test_attached_files_become_documents_of_the_space(people: People, smtp_server,  # type: ignore[no-untyped-def]
                                                      settings, tmp_path) -> None:
    from docs_store.models import Document, SpaceDocumentSettings, UploadsBy

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    SpaceDocumentSettings.objects.create(space=people.space, uploads_by=UploadsBy.MEMBERS)
    address = posting.address_of(people.space)
    handled = deliver(new_thread_mail(sender="marc@exemple.qc.ca", recipient=address,
                                      files=True), address)
    assert handled.outcome == "posted"
    [attachment] = handled.message.attachments.select_related("document")
    assert attachment.document.title == "ordre-du-jour"
    assert Document.objects.get().space == people.space


def test_a_member_whose_mail_is_not_verified_is_told_without_the_text(
        people: People, smtp_server) -> None:  # type: ignore[no-untyped-def]
    address = posting.address_of(people.space)
    for headers in ({}, {"Authentication-Results": "mx.espace.exemple; dmarc=fail"},
                    {"Authentication-Results": "mx.ailleurs.example; dmarc=pass"}):
        smtp_server.clear()
        handled = deliver(new_thread_mail(sender="marc@exemple.qc.ca", recipient=address,
                                          body=f"Texte secret {len(headers)}",
                                          subject=f"Sujet {headers}", headers=headers),
                          address)
        assert (handled.outcome, handled.reason) == ("bounced", "posting_unverified")
        [told] = smtp_server.wait_for(1)
        assert told["To"] == people.member.email
        assert "Votre message n'a pas été publié" in told["Subject"]
        assert "Texte secret" not in text_of(told)
    assert not Thread.objects.exists()


def test_a_stranger_is_never_answered_and_nothing_is_posted(people: People,
                                                            smtp_server) -> None:  # type: ignore[no-untyped-def]
    address = posting.address_of(people.space)
    handled = deliver(new_thread_mail(sender="pirate@ailleurs.example", recipient=address),
                      address)
    assert (handled.outcome, handled.reason) == ("dropped", "posting_not_member")
    assert smtp_server.received == []
    assert not Thread.objects.exists() and not Event.objects.filter(kind="thread.created")


def test_an_account_outside_the_space_is_told_it_may_not_post(people: People,
                                                              smtp_server) -> None:  # type: ignore[no-untyped-def]
    address = posting.address_of(people.space)
    handled = deliver(new_thread_mail(sender=people.outsider.email, recipient=address,
                                      body="Mon texte"), address)
    assert (handled.outcome, handled.reason) == ("bounced", "posting_not_member")
    [told] = smtp_server.wait_for(1)
    assert told["To"] == people.outsider.email
    text = text_of(told)
    assert "Seuls les membres" in text and "Only members" in text
    assert people.space.name not in text and "Mon texte" not in text
    assert not Thread.objects.exists()


def test_a_removed_member_can_no_longer_post(people: People, smtp_server) -> None:  # type: ignore[no-untyped-def]
    address = posting.address_of(people.space)
    Membership.objects.filter(user=people.other_member).delete()
    handled = deliver(new_thread_mail(sender=people.other_member.email, recipient=address),
                      address)
    assert handled.reason == "posting_not_member"
    assert not Thread.objects.exists()


def test_automatic_mail_is_dropped_silently(people: People, smtp_server) -> None:  # type: ignore[no-untyped-def]
    address = posting.address_of(people.space)
    handled = deliver(new_thread_mail(sender="marc@exemple.qc.ca", recipient=address,
                                      headers={**VERIFIED, "Auto-Submitted": "auto-replied"}),
                      address)
    assert (handled.outcome, handled.reason) == ("dropped", "automatic")
    assert smtp_server.received == [] and not Thread.objects.exists()


def test_a_rotated_address_stops_working(people: People, smtp_server) -> None:  # type: ignore[no-untyped-def]
    old = posting.address_of(people.space)
    _new, events = verify_action(lambda: posting.rotate(actor=people.facilitator,
                                                        space=people.space),
                                 kinds=["posting_address.rotated"])
    assert old.split("@")[0] not in str(events[0].payload)
    handled = deliver(new_thread_mail(sender="marc@exemple.qc.ca", recipient=old), old)
    assert (handled.outcome, handled.reason) == ("bounced", "unknown_posting_address")
    [told] = smtp_server.wait_for(1)
    assert told["To"] == people.member.email
    assert "n'existe pas ou a été remplacée" in text_of(told)
    new = posting.address_of(people.space)
    assert new != old
    assert deliver(new_thread_mail(sender="marc@exemple.qc.ca", recipient=new,
                                   subject="Autre sujet"), new).outcome == "posted"


def test_an_unknown_token_from_a_stranger_is_dropped(people: People, smtp_server) -> None:  # type: ignore[no-untyped-def]
    recipient = "rma+" + "a" * 20 + "@localhost"
    handled = deliver(new_thread_mail(sender="pirate@ailleurs.example", recipient=recipient),
                      recipient)
    assert (handled.outcome, handled.reason) == ("dropped", "unknown_posting_address")
    assert smtp_server.received == []


def test_a_mail_without_subject_comes_back_with_its_text(people: People,
                                                         smtp_server) -> None:  # type: ignore[no-untyped-def]
    address = posting.address_of(people.space)
    handled = deliver(new_thread_mail(sender="marc@exemple.qc.ca", recipient=address,
                                      subject="", body="Mon texte à garder"), address)
    assert (handled.outcome, handled.reason) == ("bounced", "empty_title")
    [told] = smtp_server.wait_for(1)
    text = text_of(told)
    assert "n'a pas d'objet" in text and "Mon texte à garder" in text
    assert not Thread.objects.exists()
    assert InboundMail.objects.get().outcome == "bounced"


def test_only_facilitators_rotate_from_the_page(people: People) -> None:
    page = reverse("posting-address", args=["rma"])
    old = posting.address_of(people.space)
    member_view = client_for(people.member).get(page).content.decode()
    assert old in member_view and "Remplacer l&#x27;adresse" not in member_view
    assert client_for(people.member).post(page).status_code == 403
    assert posting.address_of(people.space) == old
    assert client_for(people.outsider).get(page).status_code == 404
    assert client_for(people.facilitator).post(page).status_code == 302
    assert posting.address_of(people.space) != old


@pytest.mark.django_db(transaction=True)
def test_through_the_real_lmtp_listener(people: People, lmtp_listener, smtp_server,  # type: ignore[no-untyped-def]
                                        settings) -> None:
    settings.REPLY_TRUSTED_AUTHSERV_IDS = ["mx.espace.exemple"]
    address = posting.address_of(people.space)
    raw = new_thread_mail(sender="marc@exemple.qc.ca", recipient=address,
                          subject="Rencontre régionale à Sherbrooke")
    stranger = reply_mail(sender="pirate@ailleurs.example", recipient=address, body="Spam")
    with smtplib.LMTP(lmtp_listener.host, lmtp_listener.port, timeout=20) as client:
        assert client.sendmail("marc@exemple.qc.ca", [address], raw) == {}
        client.mail("pirate@ailleurs.example")
        assert client.rcpt(address)[0] == 250
        code, text = client.data(stranger)
    assert Thread.objects.get().title == "Rencontre régionale à Sherbrooke"
    assert (code, text) == (250, b"2.0.0 dropped")
    assert smtp_server.received == []
