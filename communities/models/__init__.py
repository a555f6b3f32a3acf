from communities.models.discussion import (
    Message,
    MessageRevision,
    Reaction,
    ReadPosition,
    Thread,
)
from communities.models.events import Event
from communities.models.people import (
    ApiToken,
    ExpertiseTag,
    Language,
    MemberKind,
    Namesake,
    RealtimeTicket,
    User,
)
from communities.models.spaces import MANAGING_ROLES, Invitation, Membership, Role, Space

__all__ = [
    "MANAGING_ROLES",
    "ApiToken",
    "Event",
    "ExpertiseTag",
    "Invitation",
    "Language",
    "MemberKind",
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
