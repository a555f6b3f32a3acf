"""Which of our addresses a piped message was for, when the MTA did not say: the headers MTAs
add on delivery (Delivered-To, X-Original-To), then To and Cc."""

from __future__ import annotations

import email
from email.policy import compat32
from email.utils import getaddresses

from replies.inbound import is_ours


def recipients_in_headers(raw: bytes) -> list[str]:
    try:
        # Headers only, with the lenient legacy policy: nothing here may raise.
        message = email.message_from_bytes(raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0],
                                           policy=compat32)
        for names in (("Delivered-To", "X-Original-To"), ("To", "Cc")):
            values = [str(value) for name in names for value in message.get_all(name) or []]
            found = [address for _name, address in getaddresses(values) if is_ours(address)]
            if found:
                return list(dict.fromkeys(address.lower() for address in found))
    except Exception:
        return []
    return []
