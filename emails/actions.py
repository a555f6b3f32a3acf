"""What a join-back link may do on its owner's behalf when it is used, such as answering a
meeting from the "Oui / Non / Peut-être" buttons of an email. The landing page says what will
be done before the member presses "Continuer"; doing it is up to the app that offered the
button, with the member's own permissions, like its web form.

Mail knows nothing of those apps: each registers its actions by name in its
``AppConfig.ready()`` (the way apps register admin classes), and a link stores
``"<name>:<argument>"``. A link whose name nobody registered (an app removed since) is a
plain link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from communities.models import User
from emails.models import JoinLink

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str


class LinkAction(Protocol):
    def describe(self, *, link: JoinLink, argument: str) -> str:
        """What the landing page announces ("" when the action no longer applies)."""

    def perform(self, *, link: JoinLink, user: User, argument: str) -> Outcome | None:
        """Do it as ``user`` (the link's owner, just signed in); None when the argument
        names nothing it can do (the link then only lands on its target)."""


_registry: dict[str, LinkAction] = {}


def register(name: str, action: LinkAction) -> None:
    if ":" in name:
        raise ValueError(f"a link action's name cannot contain ':' ({name!r})")
    if _registry.get(name, action) is not action:
        raise ValueError(f"a link action named {name!r} is already registered")
    _registry[name] = action


def effect(name: str, argument: str) -> str:
    """What a link stores to do action ``name`` with ``argument`` (JoinLink.action)."""
    if name not in _registry:
        # Issuing a link whose action cannot be done would announce nothing and do nothing.
        raise LookupError(f"no link action named {name!r} is registered")
    return f"{name}:{argument}"


def _handler(link: JoinLink) -> tuple[LinkAction, str] | None:
    if not link.action:
        return None
    name, _sep, argument = link.action.partition(":")
    action = _registry.get(name)
    if action is None:
        logger.warning("join link #%s carries an unknown action %r; used as a plain link",
                       link.pk, name)
        return None
    return action, argument


def describe(link: JoinLink) -> str:
    """What the landing page announces ("" for a plain link)."""
    found = _handler(link)
    return found[0].describe(link=link, argument=found[1]) if found else ""


def perform(*, link: JoinLink, user: User) -> Outcome | None:
    """Do the link's action as ``user`` (its owner, just signed in); None for a plain link."""
    found = _handler(link)
    return found[0].perform(link=link, user=user, argument=found[1]) if found else None
