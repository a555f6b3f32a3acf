"""Checks shared by scheduling and editing. Each raises ServiceError with a French message
and changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.ids import storable_ids
from communities.models import Space
from docs_store.models import Document
from meetings.models import MeetingMode
from meetings.timezones import refuse_ambiguous

TITLE_MAX = 200
AGENDA_MAX = 20_000
ADDRESS_MAX = 1_000
VIDEO_URL_MAX = 500
# Longer than a colloque; a meeting that long is almost always a typo in the end date.
LONGEST_MEETING = timedelta(days=14)
# Nobody plans a CoP meeting further ahead; a later date is a typo in the year (and near the
# year 9999 it no longer converts to UTC).
FARTHEST_AHEAD = timedelta(days=10 * 365)
FARTHEST_AHEAD_YEARS = 10
# More seats than any room or video call holds (the column is a 32-bit integer).
MAX_CAPACITY = 10_000

_https_only = URLValidator(schemes=["https"])


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError("invalid_title", _("Donnez un titre à la rencontre."))
    if len(title) > TITLE_MAX:
        raise ServiceError("invalid_title", _("Le titre dépasse %(max)d caractères.")
                           % {"max": TITLE_MAX})
    return title


def clean_agenda(agenda: str) -> str:
    agenda = (agenda or "").strip()
    if len(agenda) > AGENDA_MAX:
        raise ServiceError("invalid_agenda", _("L'ordre du jour dépasse %(max)d caractères.")
                           % {"max": AGENDA_MAX})
    return agenda


def check_times(*, starts_at: datetime, ends_at: datetime, must_be_future: bool) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        # A programming error, not a user's: forms and the API always give aware times.
        raise ValueError("meeting times must be aware datetimes")
    if ends_at <= starts_at:
        raise ServiceError("ends_before_start", _("La fin de la rencontre doit venir après "
                                                  "son début."))
    if ends_at - starts_at > LONGEST_MEETING:
        raise ServiceError("too_long", _("Une rencontre dure au plus %(days)d jours : vérifiez "
                                         "la date de fin.") % {"days": LONGEST_MEETING.days})
    if starts_at > timezone.now() + FARTHEST_AHEAD:
        raise ServiceError("too_far_ahead", _(
            "Une rencontre se planifie au plus %(years)d ans à l'avance : vérifiez l'année.")
            % {"years": FARTHEST_AHEAD_YEARS})
    if must_be_future and starts_at <= timezone.now():
        raise ServiceError("start_in_past", _("Le début de la rencontre est déjà passé : "
                                              "choisissez une date à venir."))


def check_wall_clock(*times: datetime) -> None:
    """Refuse new times whose wall clock repeats in Toronto, as the form does (see
    ``timezones.refuse_ambiguous``). Kept out of ``check_times`` so that a meeting stored
    before this check can still be renamed without being moved."""
    for value in times:
        refuse_ambiguous(value)


def clean_video_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > VIDEO_URL_MAX:
        raise ServiceError("invalid_video_url", _("Le lien de visioconférence est trop long."))
    try:
        _https_only(url)
    except ValidationError:
        raise ServiceError("invalid_video_url", _(
            "Le lien de visioconférence doit être une adresse web complète et sécurisée, "
            "commençant par https:// (par exemple https://zoom.us/j/123).")) from None
    return url


def clean_place(*, mode: str, address: str, video_url: str) -> tuple[str, str]:
    """The address and video link the mode needs (and only those)."""
    if mode not in MeetingMode.values:
        raise ServiceError("invalid_mode", _("Formule inconnue : choisissez en personne, "
                                             "virtuelle ou hybride."))
    address = (address or "").strip()
    if len(address) > ADDRESS_MAX:
        raise ServiceError("invalid_address", _("L'adresse est trop longue."))
    video_url = clean_video_url(video_url)
    if mode in (MeetingMode.IN_PERSON, MeetingMode.HYBRID) and not address:
        raise ServiceError("address_required", _("Indiquez l'adresse de la rencontre."))
    if mode in (MeetingMode.VIRTUAL, MeetingMode.HYBRID) and not video_url:
        raise ServiceError("video_url_required", _("Indiquez le lien de visioconférence."))
    if mode == MeetingMode.IN_PERSON:
        video_url = ""
    if mode == MeetingMode.VIRTUAL:
        address = ""
    return address, video_url


def check_capacity(capacity: int | None, *, seats_taken: int = 0) -> int | None:
    if capacity is None:
        return None
    if capacity < 1:
        raise ServiceError("invalid_capacity", _("Le nombre de places doit être d'au moins 1, "
                                                 "ou laissé vide pour ne pas limiter."))
    if capacity > MAX_CAPACITY:
        raise ServiceError("invalid_capacity", _(
            "Le nombre de places est d'au plus %(max)d, ou laissé vide pour ne pas limiter.")
            % {"max": MAX_CAPACITY})
    if capacity < seats_taken:
        raise ServiceError("capacity_below_rsvps", _(
            "%(taken)d personnes ont déjà répondu oui : le nombre de places ne peut pas être "
            "inférieur.") % {"taken": seats_taken})
    return capacity


def documents_of_space(*, space: Space, document_ids: Iterable[int]) -> list[Document]:
    wanted = set(document_ids)
    if not wanted:
        return []
    documents = list(Document.objects.filter(pk__in=storable_ids(wanted), space=space,
                                             deleted_at__isnull=True))
    if len(documents) != len(wanted):
        raise ServiceError("invalid_documents", _("Un des documents liés n'existe pas dans cet "
                                                  "espace ou est à la corbeille."))
    return documents
