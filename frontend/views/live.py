"""What a page hands to live.js: where to subscribe from, and the words it may need."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from communities.models import Space, User
from frontend.queries import PLACEHOLDER_ID


def live_strings() -> dict[str, str]:
    # Placeholders in braces are filled by live.js; the sentences stay translatable here.
    return {
        "new_message": _("Nouveau message de {name}"),
        "new_message_in": _("Nouveau message de {name} dans « {title} »"),
        "new_thread": _("Nouveau fil « {title} » lancé par {name}"),
        "member_joined": _("{name} a rejoint l'espace"),
        "member_left": _("{name} a quitté l'espace"),
        "member_removed": _("{name} ne fait plus partie de l'espace"),
        "role_changed": _("{name} a maintenant le rôle : {role}"),
        "messages_count_one": _("{n} message"),
        "messages_count_many": _("{n} messages"),
        "unread_one": _("{n} non lu"),
        "unread_many": _("{n} non lus"),
        "by": _("par {name}"),
        "last_activity": _("Dernière activité : {date}"),
        "connected": _("Mises à jour en direct actives."),
        "reconnecting": _("Connexion perdue. Nouvelle tentative dans {seconds} s…"),
        "resync": _("De nouveaux contenus sont disponibles."),
        "reload": _("Recharger la page"),
        "access_ended": _("Vous ne faites plus partie de cet espace."),
        "session_ended": _("Votre session a pris fin. Rechargez la page pour vous reconnecter."),
        "role_member": _("membre"),
        "role_facilitator": _("animation"),
        "role_admin": _("administration de l'espace"),
        "thread_renamed": _("Le fil s'appelle maintenant « {title} »"),
        "thread_pinned": _("« {title} » est épinglé"),
        "thread_unpinned": _("« {title} » n'est plus épinglé"),
        "thread_locked": _("« {title} » est verrouillé"),
        "thread_unlocked": _("« {title} » est déverrouillé"),
        "message_edited": _("{name} a modifié son message"),
        "message_deleted": _("Un message a été supprimé"),
        "mentioned": _("{name} vous mentionne dans « {title} »"),
        "mentioned_all": _("{name} s'adresse à tout l'espace dans « {title} »"),
        "typing_one": _("{name} est en train d'écrire…"),
        "typing_two": _("{first} et {second} sont en train d'écrire…"),
        "typing_many": _("Plusieurs personnes sont en train d'écrire…"),
        "reaction_label": _("{emoji} {n} — {names}"),
        "you": _("vous"),
        "nobody_online": _("Personne d'autre pour l'instant."),
        "chars_left": _("{n} caractères restants"),
        "chars_over": _("{n} caractères de trop : raccourcissez le message."),
        "suggestions": _("{n} suggestions : flèches haut et bas pour choisir, Entrée pour "
                         "insérer, Échap pour fermer."),
        "no_suggestion": _("Aucun membre ne correspond."),
        "mention_list": _("Membres à mentionner"),
        "action_failed": _("L'action n'a pas abouti. Réessayez."),
        "tombstone": _("message supprimé"),
        "see_message": _("Voir le message"),
        # Documents (folder browser and message cards).
        "document_added": _("Nouveau document : {title}"),
        "document_removed": _("« {title} » n'est plus dans ce dossier"),
        "folder_added": _("Nouveau dossier : {name}"),
        "document_gone": _("Document supprimé"),
        "download": _("Télécharger"),
        "folder_kind": _("Dossier"),
        "size_units": _("octets,ko,Mo,Go,To"),
    }


def live_context(space: Space, *, user: User, thread_id: int | None = None,
                 moderator: bool = False) -> dict[str, Any]:
    def url(name: str, *args: object) -> str:
        return reverse(name, args=[space.slug, *args])

    return {
        "live": {
            "space": space.slug,
            "after": space.event_head,
            # The personal stream brings read positions and mentions from other devices.
            "me": {"id": user.pk, "name": user.display_name, "after": user.stream_head},
            "moderator": moderator,
            "thread": thread_id or "",
            # live.js swaps the placeholder id for the real one.
            "thread_url": url("thread", PLACEHOLDER_ID),
            # Mentions can come from any of the person's spaces.
            "any_thread_url": reverse("thread", args=["__space__", PLACEHOLDER_ID]),
            "read_url": url("thread-read", thread_id) if thread_id else "",
            "history_url": url("message-history", PLACEHOLDER_ID),
            # The folder browser's folder (0: the root) is set by its view; elsewhere None.
            "folder": None,
            "document_url": url("document", PLACEHOLDER_ID),
            "download_url": url("document-download", PLACEHOLDER_ID),
            "folder_url": url("documents-folder", PLACEHOLDER_ID),
        },
        "live_strings": live_strings(),
    }
