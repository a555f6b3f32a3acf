from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    """Reply by email: the Reply-To addresses handed out in outgoing mail and the inbound
    path (MTA pipe and LMTP) that turns a member's answer into a message in the thread."""

    name = "replies"
    verbose_name = _("Réponses par courriel")
