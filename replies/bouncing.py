"""The "your reply was not posted" email: French first, English second, to a member's own
account address only (never to the From or envelope sender of the mail received, so forged
mail cannot make us write to a stranger)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from communities.models import Thread, User
from communities.services.discussion import MAX_BODY_CHARS
from emails.outgoing import new_message_id
from replies.mime import ReceivedMail

_MSG_ID = re.compile(r"[!-;=?-~]{1,250}")  # printable ASCII without "<", ">" and spaces

#: How much of the member's own text the bounce gives back so nothing they wrote is lost.
MAX_RETURNED_CHARS = MAX_BODY_CHARS + 2_000


@dataclass(frozen=True)
class Refusal:
    #: Stable code: unknown_address, expired_address, spoofed, authentication_failed,
    #: forbidden, thread_locked, empty_reply, rate_limited, body_too_long, too_large…
    reason: str
    #: The member to tell; None drops the mail with a log line.
    tell: User | None
    thread: Thread | None = None
    #: The text they wrote, given back in the bounce (only when it came from them).
    returned_text: str = ""
    #: For attachments_not_posted: each file left out, with why.
    files: tuple[str, ...] = ()
    #: About mail that was to start a thread (a space's posting address), not a reply.
    new_thread: bool = False


def _explanation(refusal: Refusal, mail: ReceivedMail) -> str:
    """The reason in the active language."""
    member_address = refusal.tell.email if refusal.tell else ""
    texts = {
        "unknown_address": _("Cette adresse de réponse n'existe pas ou plus. Répondez depuis "
                             "la page du fil de discussion, ou depuis un courriel plus récent."),
        "expired_address": _("Cette adresse de réponse a expiré : chaque adresse de réponse "
                             "vaut %(days)s jours. Répondez depuis un courriel plus récent ou "
                             "sur la page du fil de discussion.")
        % {"days": settings.REPLY_ADDRESS_DAYS},
        "spoofed": _("Un courriel envoyé depuis l'adresse « %(sender)s » à votre adresse de "
                     "réponse personnelle n'a pas été publié : seule votre adresse "
                     "« %(member)s » peut répondre en votre nom. Si vous avez transféré une "
                     "notification, la personne qui l'a reçue ne peut pas y répondre à votre "
                     "place ; elle peut demander une invitation à l'espace.")
        % {"sender": mail.from_address or _("(adresse illisible)"), "member": member_address},
        "authentication_failed": _("Un courriel adressé à votre adresse de réponse personnelle "
                                   "n'a pas été publié : notre serveur de courriel n'a pas pu "
                                   "vérifier qu'il venait bien de votre adresse (%(check)s). "
                                   "Si c'est bien vous, répondez sur la page du fil de "
                                   "discussion.") % {"check": mail.authentication_failure},
        "forbidden": _("Vous ne faites plus partie de cet espace : votre réponse n'a pas été "
                       "publiée."),
        "thread_locked": _("Ce fil de discussion est verrouillé : il n'accepte plus de "
                           "nouveaux messages."),
        "empty_reply": _("Nous n'avons trouvé aucun texte nouveau dans votre réponse, "
                         "seulement le message cité ou une signature. Écrivez votre réponse "
                         "au-dessus du message cité."),
        "rate_limited": _("Vous avez publié trop de messages en une minute. Renvoyez votre "
                          "réponse dans une minute."),
        "body_too_long": _("Votre réponse dépasse %(max)s caractères. Raccourcissez-la ou "
                           "publiez-la en plusieurs messages.")
        % {"max": f"{MAX_BODY_CHARS:,}".replace(",", " ")},
        "attachments_not_posted": _("Votre réponse a été publiée, mais pas ces pièces "
                                    "jointes : %(files)s. Déposez-les dans les documents de "
                                    "l'espace depuis le site.")
        % {"files": "; ".join(refusal.files)},
        "unknown_posting_address": _("Cette adresse de publication n'existe pas ou a été "
                                     "remplacée. Demandez la nouvelle adresse à l'animation "
                                     "de l'espace, ou lancez le fil depuis le site."),
        "posting_not_member": _("Seuls les membres d'un espace y lancent un fil de discussion "
                                "par courriel : votre message n'a pas été publié."),
        "posting_unverified": _("Un courriel envoyé en votre nom à l'adresse de publication "
                                "d'un espace n'a pas été publié : notre serveur de courriel "
                                "n'a pas pu vérifier qu'il venait bien de votre adresse. Si "
                                "c'est bien vous, lancez le fil depuis le site."),
        "empty_title": _("Votre courriel n'a pas d'objet : l'objet devient le titre du fil de "
                         "discussion. Renvoyez-le avec un objet."),
        "title_too_long": _("L'objet de votre courriel est trop long pour un titre de fil de "
                            "discussion. Raccourcissez-le et renvoyez le message."),
        "empty_body": _("Votre courriel ne contient aucun texte : il devient le premier "
                        "message du fil. Écrivez-le et renvoyez le message."),
        "too_large": _("Votre courriel dépasse %(size)s Mo, pièces jointes comprises. Les "
                       "pièces jointes ne sont pas publiées : renvoyez le texte seul.")
        % {"size": settings.REPLY_MAX_MESSAGE_BYTES // (1024 * 1024)},
    }
    if refusal.new_thread:
        texts["attachments_not_posted"] = _(
            "Votre fil de discussion a été lancé, mais sans ces pièces jointes : %(files)s. "
            "Déposez-les dans les documents de l'espace depuis le site."
        ) % {"files": "; ".join(refusal.files)}
        return texts.get(refusal.reason, _("Votre message n'a pas pu être publié."))
    return texts.get(refusal.reason, _("Votre réponse n'a pas pu être publiée."))


def _part(language: str, refusal: Refusal, mail: ReceivedMail, thread_url: str) -> str:
    with translation.override(language):
        return render_to_string("replies/email/not_posted.txt", {
            "member": refusal.tell,
            "explanation": _explanation(refusal, mail),
            "thread": refusal.thread if refusal.reason != "forbidden" else None,
            "thread_url": thread_url if refusal.reason != "forbidden" else "",
            "has_text": bool(refusal.returned_text),
        }).strip()


def send_not_posted(refusal: Refusal, mail: ReceivedMail) -> None:
    """Tell ``refusal.tell`` why their reply was not posted (or, for attachments_not_posted,
    what of it was not); raises when SMTP fails, so the caller can ask the MTA to retry
    rather than lose the answer."""
    assert refusal.tell is not None
    thread_url = ""
    if refusal.thread is not None:
        thread_url = settings.SITE_URL.rstrip("/") + reverse(
            "thread", kwargs={"slug": refusal.thread.space.slug, "thread_id": refusal.thread.pk})
    body = "\n\n".join([
        _part("fr-ca", refusal, mail, thread_url),
        "* * *",
        _part("en", refusal, mail, thread_url),
    ])
    if refusal.returned_text:
        body += "\n\n-----\n\n" + refusal.returned_text[:MAX_RETURNED_CHARS] + "\n"
    headers = {
        # The one outgoing path's Message-ID on our domain (its message class also folds the
        # non-ASCII subject the way clients expect).
        "Message-ID": new_message_id(),
        # RFC 3834: an automatic answer, which well-behaved responders never answer in turn.
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "Content-Language": "fr-CA, en",
    }
    # Only a well-formed msg-id is echoed: the sender chose these bytes.
    if _MSG_ID.fullmatch(mail.message_id):
        headers["In-Reply-To"] = f"<{mail.message_id}>"
        headers["References"] = f"<{mail.message_id}>"
    subjects = []
    for language in ("fr-ca", "en"):
        with translation.override(language):
            if refusal.new_thread:
                subjects.append(_("Votre fil a été lancé sans certaines pièces jointes")
                                if refusal.reason == "attachments_not_posted"
                                else _("Votre message n'a pas été publié"))
            else:
                subjects.append(_("Votre réponse a été publiée sans certaines pièces jointes")
                                if refusal.reason == "attachments_not_posted"
                                else _("Votre réponse n'a pas été publiée"))
    subject_fr, subject_en = subjects
    # Through the one outgoing path (Message-ID, Date, From, a text and an HTML part).
    from emails.outgoing import compose, deliver

    deliver([compose(to=refusal.tell.email, language="fr-ca",
                     subject=f"{subject_fr} / {subject_en}", text=body, headers=headers)])
