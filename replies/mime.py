"""Reading one received message, whatever shape it is in: the sender, the Message-ID, whether
a program rather than a person sent it, what our MTA said of its authenticity, and its text
(the text/plain part, else the HTML one turned into text). Nothing here raises on malformed
MIME, unknown charsets or broken headers: the worst case is an empty field."""

from __future__ import annotations

import email
import hashlib
import logging
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.policy import default as default_policy
from email.utils import getaddresses

from django.conf import settings

from replies.htmltext import html_to_text

log = logging.getLogger(__name__)

# RFC 3834 and the headers common auto-responders and list servers set: such mail is never
# posted and never answered, or an out-of-office reply would land in the thread and two
# auto-responders could answer each other forever.
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_AUTOMATIC_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response", "List-Id",
                      "X-Failed-Recipients")
_AUTOMATIC_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply)@", re.IGNORECASE)
# Authentication-Results (RFC 8601): "authserv-id; method=result ...; method=result ...".
_RESULT = re.compile(r"\b(dmarc|spf)\s*=\s*([a-z]+)", re.IGNORECASE)


@dataclass(frozen=True)
class MailFile:
    name: str
    data: bytes


@dataclass(frozen=True)
class ReceivedMail:
    #: The From address, lower-cased; "" unless the header holds exactly one address.
    from_address: str
    message_id: str
    #: SHA-256 of the Message-ID, or of the raw bytes when there is none.
    message_key: str
    subject: str
    #: The message's text as written, quotes and signature included.
    text: str
    #: Sent by a program (auto-reply, delivery report, list): never posted nor answered.
    automatic: bool
    #: "dmarc=fail" or "spf=fail" when a trusted Authentication-Results says so, else "".
    authentication_failure: str
    #: A trusted Authentication-Results says dmarc=pass and nothing failed.
    sender_verified: bool = False
    #: The message was longer than REPLY_MAX_MESSAGE_BYTES and only its start was read.
    too_large: bool = False
    #: The files attached, to be added to the space's documents with the reply.
    files: tuple[MailFile, ...] = ()

    @property
    def attachments(self) -> tuple[str, ...]:
        return tuple(file.name for file in self.files)


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
        return " ".join(str(value).split()) if value is not None else ""
    except Exception:  # a header the parser cannot even render
        log.info("unreadable %s header", name)
        return ""


def _from_address(message: Message) -> str:
    try:
        values = [str(value) for value in message.get_all("From") or []]
    except Exception:
        return ""
    addresses = [addr for _name, addr in getaddresses(values) if addr]
    if len(addresses) != 1 or "@" not in addresses[0]:
        return ""
    return addresses[0].strip().lower()


def _automatic(message: Message, from_address: str, envelope_sender: str | None) -> bool:
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if _header(message, "Precedence").lower() in _AUTOMATIC_PRECEDENCE:
        return True
    if any(_header(message, name) for name in _AUTOMATIC_HEADERS):
        return True
    if message.get_content_type() == "multipart/report":
        return True
    # The null reverse-path "<>" is what delivery reports are sent with (Postfix's pipe
    # writes it as MAILER-DAEMON in ${sender}).
    if envelope_sender is not None and (envelope_sender.strip() in {"", "<>"}
                                        or envelope_sender.strip().lower() == "mailer-daemon"):
        return True
    return bool(_AUTOMATIC_SENDERS.match(from_address))


def _trusted_results(message: Message) -> list[tuple[str, str]]:
    """(method, result) pairs, lower-cased, of our own MTA's Authentication-Results headers.

    Only headers whose authserv-id is in REPLY_TRUSTED_AUTHSERV_IDS count (RFC 8601 §5: our
    MTA removes any that claim its id on the way in)."""
    trusted = {authserv.lower() for authserv in settings.REPLY_TRUSTED_AUTHSERV_IDS}
    if not trusted:
        return []
    try:
        headers = [str(value) for value in message.get_all("Authentication-Results") or []]
    except Exception:
        return []
    results: list[tuple[str, str]] = []
    for header in headers:
        authserv, _sep, methods = header.partition(";")
        authserv_id = authserv.strip().split()[0].lower() if authserv.strip() else ""
        if authserv_id in trusted:
            results += [(method.lower(), result.lower())
                        for method, result in _RESULT.findall(methods)]
    return results


def authentication_failure(message: Message) -> str:
    """What our own MTA's Authentication-Results headers say against the message: a
    ``dmarc=fail`` or ``spf=fail`` refuses it, while a pass never replaces the check that the
    From address is the member's."""
    for method, result in _trusted_results(message):
        if result == "fail":
            return f"{method}=fail"
    return ""


def sender_verified(message: Message) -> bool:
    """Whether our own MTA found the From domain aligned and authentic (DMARC pass, nothing
    failed): the only proof of the sender when no reply token vouches for them."""
    results = _trusted_results(message)
    return ("dmarc", "pass") in results and not any(result == "fail" for _m, result in results)


def _decoded(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, ValueError, AssertionError, KeyError):
        pass  # unknown or lying charset: decode the bytes ourselves below
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        return ""
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _text(message: EmailMessage) -> str:
    """The text/plain body (format=flowed undone), else the HTML one turned into text."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return ""
    text = _decoded(part)
    if part.get_content_type() == "text/html":
        return html_to_text(text)
    if part.get_param("format", "").lower() == "flowed":  # type: ignore[union-attr]
        text = unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return text


def unflow(text: str, *, delsp: bool = False) -> str:
    """Undo RFC 3676 format=flowed (Thunderbird, Apple Mail): a line ending in a space goes on
    in the next one, so that soft-wrapped paragraphs do not become hard line breaks."""
    lines: list[str] = []
    current = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(" "):  # space-stuffing (RFC 3676 §4.4)
            line = line[1:]
        if line.endswith(" ") and line != "-- ":
            current += line[:-1] if delsp else line
            continue
        lines.append(current + line)
        current = ""
    if current:
        lines.append(current)
    return "\n".join(lines)


def _files(message: Message) -> tuple[MailFile, ...]:
    """Files the sender attached. Inline parts (signature logos, pasted images) are not
    counted: their sender did not choose to send a file."""
    files = []
    try:
        for part in message.walk():
            if part.get_content_disposition() != "attachment":
                continue
            name = " ".join(str(part.get_filename() or "").split())[:200] or "piece-jointe"
            try:
                data = part.get_payload(decode=True)
            except Exception:
                data = None
            files.append(MailFile(name=name, data=data if isinstance(data, bytes) else b""))
    except Exception:
        log.info("unreadable attachment list")
    return tuple(files)


def message_key(*, message_id: str, raw: bytes) -> str:
    return hashlib.sha256(message_id.encode() if message_id else raw).hexdigest()


def read_mail(raw: bytes, *, envelope_sender: str | None = None,
              too_large: bool = False) -> ReceivedMail:
    """Everything the inbound service needs from one raw RFC 822 message."""
    message = email.message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    from_address = _from_address(message)
    message_id = _header(message, "Message-ID").strip("<> ")
    try:
        text = _text(message)
    except Exception:  # whatever MIME structure the parser could not walk
        log.info("unreadable body in message %s", message_id or "(no Message-ID)")
        text = ""
    return ReceivedMail(
        from_address=from_address,
        message_id=message_id,
        message_key=message_key(message_id=message_id, raw=raw),
        subject=_header(message, "Subject"),
        text=text,
        automatic=_automatic(message, from_address, envelope_sender),
        authentication_failure=authentication_failure(message),
        sender_verified=sender_verified(message),
        too_large=too_large,
        files=_files(message),
    )
