"""The server-rendered pages. Every write goes through communities.services; a refusal is
shown on the form with what the person typed, a success redirects (Post/Redirect/Get)."""

from frontend.views.invitations import accept_invitation
from frontend.views.members import (
    change_role,
    leave_space,
    members,
    remove_member,
    resend_invitation,
)
from frontend.views.messages import delete as delete_message
from frontend.views.messages import edit as edit_message
from frontend.views.messages import history as message_history
from frontend.views.messages import react
from frontend.views.messages import row as message_row
from frontend.views.search import search
from frontend.views.spaces import space
from frontend.views.threads import lock as lock_thread
from frontend.views.threads import pin as pin_thread
from frontend.views.threads import read as mark_thread_read
from frontend.views.threads import rename as rename_thread
from frontend.views.threads import thread

__all__ = [
    "accept_invitation",
    "change_role",
    "delete_message",
    "edit_message",
    "leave_space",
    "lock_thread",
    "mark_thread_read",
    "members",
    "message_history",
    "message_row",
    "pin_thread",
    "react",
    "remove_member",
    "rename_thread",
    "resend_invitation",
    "search",
    "space",
    "thread",
]
