from communities.models.discussion import (
    Message,
    MessageRevision,
    Reaction,
    ReadPosition,
    Thread,
)
from communities.models.events import Event
from communities.models.people import ApiToken, Language, Namesake, RealtimeTicket, User
from communities.models.spaces import MANAGING_ROLES, Invitation, Membership, Role, Space

__all__ = [
    "MANAGING_ROLES",
    "ApiToken",
    "Event",
    "Invitation",
    "Language",
    "Membership",
    "Message",
    "MessageRevision",
    "Namesake",
    "Reaction",
    "ReadPosition",
    "RealtimeTicket",
    "Role",
    "Space",
    "Thread",
    "User",
]
