"""Forms of the date poll pages. They shape input; the services decide, and their refusals
come back as errors on these forms with what the person typed kept."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.errors import ServiceError
from frontend.forms import ServiceForm
from meetings.models import MeetingMode
from meetings.models.polls import PollSlot
from meetings.services.polls import MAX_SLOTS
from meetings.timezones import instant_from_local

#: Empty slot rows a new poll starts with; "add slots" gives this many more, up to MAX_SLOTS.
SLOT_ROWS = 4


class PollForm(ServiceForm):
    error_fields = {"invalid_title": "title", "invalid_agenda": "agenda",
                    "invalid_mode": "mode", "address_required": "address",
                    "invalid_address": "address", "video_url_required": "video_url",
                    "invalid_video_url": "video_url"}

    title = forms.CharField(label=_("Titre de la rencontre"), required=False)
    agenda = forms.CharField(label=_("Ordre du jour"), required=False,
                             widget=forms.Textarea(attrs={"rows": 5, "data-format": ""}),
                             help_text=_("Facultatif."))
    mode = forms.ChoiceField(label=_("Formule"), choices=MeetingMode.choices,
                             initial=MeetingMode.VIRTUAL, widget=forms.RadioSelect)
    address = forms.CharField(label=_("Adresse (en personne ou hybride)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    video_url = forms.CharField(label=_("Lien de visioconférence (virtuelle ou hybride)"),
                                required=False,
                                widget=forms.URLInput(attrs={"placeholder": "https://"}))
    notify_members = forms.BooleanField(
        label=_("Prévenir les membres par courriel"), required=False, initial=True,
        help_text=_("Chaque membre reçoit les créneaux et le lien pour répondre."))


class SlotForm(forms.Form):
    """One proposed slot: a day and two wall-clock times in America/Toronto."""

    day = forms.DateField(label=_("Date"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"invalid": _("Entrez une date valide (AAAA-MM-JJ).")})
    start = forms.TimeField(label=_("Début"), required=False,
                            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                            error_messages={"invalid": _("Entrez une heure valide (HH:MM).")})
    end = forms.TimeField(label=_("Fin"), required=False,
                          widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                          error_messages={"invalid": _("Entrez une heure valide (HH:MM).")})

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        given = [data.get(name) for name in ("day", "start", "end")]
        if any(value is not None for value in given) and None in given and not self.errors:
            raise forms.ValidationError(gettext("Donnez la date, l'heure de début et l'heure "
                                                "de fin de ce créneau."))
        if None not in given:
            try:
                data["starts_at"] = instant_from_local(data["day"], data["start"])
                data["ends_at"] = instant_from_local(data["day"], data["end"])
            except ServiceError as error:
                raise forms.ValidationError(str(error.message)) from None
        return data

    def slot(self) -> tuple[datetime, datetime] | None:
        data = self.cleaned_data
        if "starts_at" not in data:
            return None
        return data["starts_at"], data["ends_at"]


SlotFormSet = forms.formset_factory(SlotForm, extra=0, max_num=MAX_SLOTS, absolute_max=MAX_SLOTS,
                                    validate_max=True)


def slot_formset(data: object = None, *, rows: int = SLOT_ROWS) -> forms.BaseFormSet:
    if data is None:
        return SlotFormSet(prefix="slots", initial=[{}] * rows)
    return SlotFormSet(data, prefix="slots")  # type: ignore[arg-type]


def vote_field_name(slot: PollSlot) -> str:
    return f"slot-{slot.pk}"


def read_answers(data: Mapping[str, Any], slots: list[PollSlot]) -> dict[int, str]:
    """slot id -> answer for the slots the form answered; the service refuses what is
    missing or unknown with its own message."""
    answers = {}
    for slot in slots:
        value = data.get(vote_field_name(slot))
        if value:
            answers[slot.pk] = str(value)
    return answers

