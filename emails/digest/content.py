"""The shapes a digest is made of, independent of where the data came from: a digest holds
one block per space, a block holds sections, a section holds items that each link somewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from communities.models import Space, User


@dataclass
class Recipient:
    """One member's digest to build: which spaces it covers and the window it reads."""

    user: User
    frequency: str
    spaces: list[Space]
    #: space id -> when the member joined it (nothing from before that is shown).
    joined: dict[int, datetime]
    since: datetime
    until: datetime
    #: claim row id, for a stable Message-ID.
    delivery_id: int = 0


@dataclass
class Action:
    """A button beside an item (e.g. "Oui" / "Non" on a meeting invitation)."""

    label: str
    target: str
    #: What using the link does for the member (emails/actions.py), e.g. "rsvp:yes:42".
    effect: str = ""
    link: str = ""


@dataclass
class Item:
    title: str
    #: Path on this site the join-back link lands on.
    target: str
    detail: str = ""
    excerpt: str = ""
    link: str = ""
    #: ``reply+<token>@<domain>`` for items one can answer by email ("" when not).
    reply_address: str = ""
    thread_id: int | None = None
    actions: list[Action] = field(default_factory=list)


@dataclass
class SectionContent:
    key: str
    heading: str | Promise
    items: list[Item]
    #: Items left out to keep the email readable (the space link shows them all).
    more: int = 0


@dataclass
class SpaceDigest:
    space: Space
    sections: list[SectionContent]
    unsubscribe_url: str = ""
    space_link: str = ""

    @property
    def heading(self) -> str:
        """A committee is named with its space, so its block is never read as a space of its
        own (read when the mail is rendered, in the recipient's language)."""
        parent = self.space.parent if self.space.parent_id is not None else None
        if parent is None:
            return self.space.name
        return _("%(committee)s (%(space)s)") % {"committee": self.space.name,
                                                 "space": parent.name}


@dataclass
class Digest:
    recipient: Recipient
    spaces: list[SpaceDigest]
    preferences_link: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not any(block.sections for block in self.spaces)

    def items(self) -> list[Item]:
        return [item for block in self.spaces for section in block.sections
                for item in section.items]
