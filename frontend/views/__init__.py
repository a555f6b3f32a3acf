"""The server-rendered pages. Every write goes through communities.services; a refusal is
shown on the form with what the person typed, a success redirects (Post/Redirect/Get)."""

from frontend.views.invitations import accept_invitation
from frontend.views.members import change_role, leave_space, members, remove_member
from frontend.views.search import search
from frontend.views.spaces import my_spaces, space, thread

__all__ = [
    "accept_invitation",
    "change_role",
    "leave_space",
    "members",
    "my_spaces",
    "remove_member",
    "search",
    "space",
    "thread",
]
