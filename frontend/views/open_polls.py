"""The open polls shown on the space page and the meetings list, and what polls_live.js
needs to keep them current from poll.opened, poll.voted and poll.closed (links, and its
words in the reader's language)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from communities.models import Space
from frontend.queries import PLACEHOLDER_ID
from meetings.polls.selectors import open_polls_of


def open_polls_context(space: Space) -> dict[str, Any]:
    return {
        "open_polls": list(open_polls_of(space)),
        "open_polls_live": {
            "poll_url": reverse("poll", args=[space.slug, PLACEHOLDER_ID]),
            # Placeholders in braces are filled by polls_live.js.
            "respondents_one": _("{n} réponse"),
            "respondents_many": _("{n} réponses"),
            "opened": _("Nouveau sondage de dates : « {title} »"),
            "closed": _("Le sondage « {title} » est fermé"),
        },
    }
