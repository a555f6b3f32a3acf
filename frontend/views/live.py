"""What a page hands to live.js: where to subscribe from, and the words it may need."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from communities.models import Space


def live_strings() -> dict[str, str]:
    # Placeholders in braces are filled by live.js; the sentences stay translatable here.
    return {
        "new_message": _("Nouveau message de {name}"),
        "new_message_in": _("Nouveau message de {name} dans « {title} »"),
        "new_thread": _("Nouveau fil « {title} » lancé par {name}"),
        "member_joined": _("{name} a rejoint l'espace"),
        "member_left": _("{name} a quitté l'espace"),
        "member_removed": _("{name} a été retiré·e de l'espace"),
        "role_changed": _("{name} a maintenant le rôle : {role}"),
        "messages_count_one": _("{n} message"),
        "messages_count_many": _("{n} messages"),
        "by": _("par {name}"),
        "last_activity": _("Dernière activité : {date}"),
        "connected": _("Mises à jour en direct actives."),
        "reconnecting": _("Connexion perdue. Nouvelle tentative dans {seconds} s…"),
        "resync": _("De nouveaux contenus sont disponibles."),
        "reload": _("Recharger la page"),
        "access_ended": _("Vous ne faites plus partie de cet espace."),
        "role_member": _("membre"),
        "role_facilitator": _("animation"),
        "role_admin": _("administration de l'espace"),
    }


def live_context(space: Space, *, thread_id: int | None = None) -> dict[str, Any]:
    return {
        "live": {
            "space": space.slug,
            "after": space.event_head,
            "thread": thread_id or "",
            # live.js swaps the placeholder id for the new thread's.
            "thread_url": reverse("thread", kwargs={"slug": space.slug,
                                                    "thread_id": 999_999_999}),
        },
        "live_strings": live_strings(),
    }
