"""Mail as members' clients send it, for the reply-by-email tests."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from pathlib import Path

from communities.models import Space, Thread, User
from communities.services.discussion import start_thread
from replies.addresses import reply_address

SAMPLES = Path(__file__).parent / "mail"
CLIENTS = sorted(path.stem for path in SAMPLES.glob("*.eml"))


def sample(name: str, *, sender: str, recipient: str) -> bytes:
    """A message saved from a real-looking client, addressed to ``recipient`` from ``sender``;
    line endings as on the wire."""
    text = (SAMPLES / f"{name}.eml").read_text(encoding="utf-8")
    text = text.replace("{sender}", sender).replace("{recipient}", recipient)
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def reply_mail(*, sender: str, recipient: str, body: str, message_id: str | None = None,
               html: str | None = None, headers: dict[str, str] | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = "Re: Nouveau message"
    message["Message-ID"] = message_id or make_msgid(domain="exemple.qc.ca")
    for name, value in (headers or {}).items():
        message[name] = value
    if body:
        message.set_content(body)
    if html is not None:
        if body:
            message.add_alternative(html, subtype="html")
        else:
            message.set_content(html, subtype="html")
    # As on the wire: CRLF line endings.
    return message.as_bytes(policy=SMTP)


def discussion(*, author: User, space: Space) -> Thread:
    return start_thread(actor=author, space=space, title="Accessibilité des trottoirs",
                        body="Bonjour à toutes et à tous, la rencontre aura lieu jeudi.").thread


def address_for(member: User, thread: Thread) -> str:
    return reply_address(user=member, thread=thread)
