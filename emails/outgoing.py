"""The one path every email of the product takes.

``compose`` renders a message from a pair of templates (``<name>.txt`` always, ``<name>.html``
when it exists) in the recipient's language and gives it what a mail client and a spam filter
expect: a Message-ID on our domain, a Date, the right From, Reply-To when given, and on digests
and notifications ``List-Unsubscribe`` (https and mailto) with ``List-Unsubscribe-Post:
List-Unsubscribe=One-Click`` (RFC 8058) and ``Auto-Submitted`` (so vacation responders stay
quiet). ``deliver`` sends through Django's configured backend: SMTP in production, the
console on a laptop (collab/settings.py). ``send_each`` sends a batch one message at a time and
sorts what the server refused into "try again later" (RFC 5321 4xx, a connection that failed)
and "never" (5xx, anything else), so callers retry the first (emails/retry.py) and log the
second.
"""

from __future__ import annotations

import email.message
import logging
import smtplib
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.header import Header
from email.utils import format_datetime, make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from communities.mailing import Mail as BaseMail
from communities.models import Language

logger = logging.getLogger(__name__)


class OutgoingMessage(EmailMultiAlternatives):
    """Django's message with the subject folded the way mail clients expect: Django encodes a
    long non-ASCII subject as one word that folds right after "Subject:", which parsers read
    back with a leading space; a Header that knows its name folds between short words."""

    def message(self, **kwargs: Any) -> Any:
        built = super().message(**kwargs)
        if not self.subject.isascii():
            del built["Subject"]
            # Past Django's __setitem__, which would turn the Header back into a plain string
            # (the subject has been checked for newlines already).
            email.message.Message.__setitem__(
                built, "Subject", Header(str(self.subject), "utf-8", header_name="Subject"))
        return built


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Unsubscribe:
    """Where a one-click unsubscribe goes: the https URL a mail client POSTs to, and the
    address it may write to instead."""

    url: str
    mailto: str

    def header(self) -> str:
        return f"<{self.url}>, <mailto:{self.mailto}?subject=unsubscribe>"


@dataclass
class Outgoing:
    """A rendered message and what to do once it has left (e.g. mark a claim as sent)."""

    message: EmailMultiAlternatives
    meta: dict[str, Any] = field(default_factory=dict)


def language_of(user: Any) -> str:
    """The language to write to someone in: their choice, French when unknown."""
    language = getattr(user, "language", "") or ""
    return language if language in Language.values else Language.FRENCH


@contextmanager
def in_language(language: str) -> Iterator[None]:
    with translation.override(language):
        yield


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def mail_domain() -> str:
    return str(settings.EMAIL_DOMAIN)


def new_message_id(*, key: str | None = None) -> str:
    """A Message-ID on our domain. With a ``key`` (e.g. a digest's claim) it is the same on a
    retry, so a message sent twice after a crash is recognised as one by mail clients."""
    if key:
        return f"<{key}@{mail_domain()}>"
    return make_msgid(idstring="espace", domain=mail_domain())


def _render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    text = str(render_to_string(f"{template}.txt", context))
    html: str
    try:
        html = str(render_to_string(f"{template}.html", context))
    except TemplateDoesNotExist:
        # Every message has both parts: without a designed one, the text in paragraphs.
        html = _html_of_text(text, context.get("language", ""))
    return text, html


def _html_of_text(text: str, language: str, subject: str = "") -> str:
    return render_to_string("emails/mail/plain.html",
                            {"text": text, "subject": subject, "language": language})


def compose(
    *,
    to: str,
    language: str,
    subject: str,
    template: str | None = None,
    context: dict[str, Any] | None = None,
    text: str | None = None,
    headers: dict[str, str] | None = None,
    reply_to: str | None = None,
    unsubscribe: Unsubscribe | None = None,
    attachments: Sequence[Attachment] = (),
    alternatives: Sequence[tuple[str, str]] = (),
    message_id: str | None = None,
) -> EmailMultiAlternatives:
    """Build one message in ``language``. ``subject`` is taken as given (callers translate it
    inside ``in_language``); the templates are rendered here, in that language.
    ``alternatives`` are further (content, mimetype) parts beside text and HTML, such as the
    iTIP ``text/calendar; method=REQUEST`` of a meeting invitation. Without a template, the
    ``text`` given is the plain part and its HTML part is that text in paragraphs; ``headers``
    are added to (or override) the ones set here."""
    with in_language(language):
        if template is not None:
            text, html = _render(template, {**(context or {}), "language": language})
        elif text is not None:
            html = _html_of_text(text, language, subject)
        else:
            raise ValueError("compose() needs a template or a text")
    all_headers = {
        "Message-ID": message_id or new_message_id(),
        "Date": format_datetime(timezone.now()),
        "Content-Language": language,
    }
    if unsubscribe is not None:
        all_headers["List-Unsubscribe"] = unsubscribe.header()
        all_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        all_headers["Auto-Submitted"] = "auto-generated"
        all_headers["X-Auto-Response-Suppress"] = "All"
    all_headers.update(headers or {})
    message = OutgoingMessage(
        subject=" ".join(subject.split()),  # a newline in a subject would be refused
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers=all_headers,
    )
    message.attach_alternative(html, "text/html")
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def send_base_mail(mail: BaseMail) -> None:
    """What ``communities`` writes (invitations), through the same ``compose`` as the rest;
    installed as its sender by EmailsConfig.ready()."""
    language = language_of(mail.reader)
    with in_language(language):
        subject = mail.subject()
    deliver([compose(to=mail.to, language=language, subject=subject, template=mail.template,
                     context=mail.context)])


def deliver(messages: Iterable[EmailMessage]) -> int:
    """Send messages over one connection of the configured backend; returns how many left."""
    batch = list(messages)
    if not batch:
        return 0
    with get_connection() as connection:
        return int(connection.send_messages(batch) or 0)


@contextmanager
def connection() -> Iterator[Any]:
    """One open connection for a batch whose messages are sent (and recorded) one by one."""
    with get_connection() as opened:
        yield opened


def is_transient(error: BaseException) -> bool:
    """RFC 5321: a 4xx reply means "try again later", a 5xx reply "never". A connection that
    could not be opened, timed out or dropped is a "later" too; anything else (a bug, an
    address the server cannot take) is not worth repeating."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(
            400 <= code < 500 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    # Other SMTP errors (a refused sender, no common authentication) will not mend; any other
    # OSError is the network: a name that does not resolve yet, an unreachable host, TLS cut.
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


@dataclass
class Delivery:
    """What became of each message of a batch, by the caller's key (e.g. a user id)."""

    sent: set[Any] = field(default_factory=set)
    #: Refused for now: worth sending again later.
    transient: set[Any] = field(default_factory=set)
    #: Refused for good: logged as an error, never retried.
    permanent: set[Any] = field(default_factory=set)


def send_each(messages: Sequence[tuple[Hashable, EmailMessage]], *, what: str,
              on_sent: Callable[[Any], None] | None = None,
              still_ours: Callable[[Any], bool] | None = None) -> Delivery:
    """Send ``messages`` (key, message) over one connection, one by one: a refusal for one
    recipient does not cost the others their message. ``on_sent(key)`` runs right after a
    message left, so a crash later in the batch cannot make it look unsent; ``still_ours(key)``
    runs just before, and a False skips the message (someone else took over its claim).
    ``what`` names the batch in the log."""
    delivery = Delivery()
    if not messages:
        return delivery
    opened = get_connection()
    try:
        opened.open()
    except Exception as error:
        _refused(delivery, [key for key, _message in messages], error, what)
        return delivery
    try:
        for key, message in messages:
            if still_ours is not None and not still_ours(key):
                continue
            message.connection = opened
            try:
                accepted = message.send()
            except Exception as error:
                _refused(delivery, [key], error, what)
                continue
            if not accepted:  # no address to send to: nothing a retry would change
                logger.error("%s to %s: no recipient address, not sent", what, key)
                delivery.permanent.add(key)
                continue
            delivery.sent.add(key)
            if on_sent is not None:
                on_sent(key)
    finally:
        try:
            opened.close()
        except Exception:
            # The messages were handed over (or recorded as refused) already.
            logger.warning("%s: closing the SMTP connection failed", what, exc_info=True)
    return delivery


def _refused(delivery: Delivery, keys: list[Any], error: Exception, what: str) -> None:
    if is_transient(error):
        logger.warning("%s to %s refused for now (%s), to be retried", what, keys, error)
        delivery.transient.update(keys)
    else:
        logger.error("%s to %s refused for good, not retried", what, keys, exc_info=error)
        delivery.permanent.update(keys)
