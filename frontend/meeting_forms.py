"""Forms of the meeting pages. Dates and times are typed as wall-clock times in
America/Toronto; turning them into instants (and refusing the ones a DST change makes
impossible) is meetings.timezones' job, and every other rule is the services'."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.errors import ServiceError
from docs_store.models import Document
from frontend.forms import ServiceForm
from meetings.models import Answer, Meeting, MeetingMode, Presence
from meetings.services.validation import MAX_CAPACITY
from meetings.timezones import instant_from_local, local


class MeetingForm(ServiceForm):
    error_fields = {
        "invalid_title": "title", "invalid_agenda": "agenda", "ends_before_start": "end_time",
        "too_long": "end_date", "start_in_past": "date", "meeting_started": "date",
        "nonexistent_time": "start_time", "ambiguous_time": "start_time",
        "invalid_video_url": "video_url", "video_url_required": "video_url",
        "address_required": "address", "invalid_address": "address", "invalid_mode": "mode",
        "invalid_capacity": "capacity", "capacity_below_rsvps": "capacity",
        "invalid_documents": "documents", "end_nonexistent": "end_time",
        "end_ambiguous": "end_time", "too_far_ahead": "date", "date_out_of_range": "date",
        "end_out_of_range": "end_date",
    }

    title = forms.CharField(label=_("Titre"), required=False, max_length=400)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                           help_text=_("Heure de l'Est (Montréal, Toronto)."))
    start_time = forms.TimeField(label=_("Début"),
                                 widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("Fin"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_date = forms.DateField(
        label=_("Date de fin"), required=False,
        help_text=_("Seulement si la rencontre se termine un autre jour."),
        widget=forms.DateInput(attrs={"type": "date"}))
    mode = forms.ChoiceField(label=_("Formule"), choices=MeetingMode.choices,
                             widget=forms.RadioSelect, initial=MeetingMode.VIRTUAL)
    address = forms.CharField(label=_("Adresse"), required=False,
                              help_text=_("Pour une rencontre en personne ou hybride."),
                              widget=forms.Textarea(attrs={"rows": 2}))
    video_url = forms.CharField(
        label=_("Lien de visioconférence"), required=False,
        help_text=_("Pour une rencontre virtuelle ou hybride ; adresse commençant par "
                    "https://."),
        widget=forms.URLInput(attrs={"inputmode": "url"}))
    capacity = forms.IntegerField(label=_("Nombre de places"), required=False,
                                  max_value=MAX_CAPACITY,
                                  help_text=_("Laissez vide pour ne pas limiter. Au-delà, "
                                              "les « oui » vont en liste d'attente."))
    agenda = forms.CharField(label=_("Ordre du jour"), required=False, strip=False,
                             widget=forms.Textarea(attrs={"rows": 6, "data-format": ""}))
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents liés"), required=False, queryset=Document.objects.none(),
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, space_documents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if space_documents is not None:
            self.fields["documents"].queryset = space_documents  # type: ignore[attr-defined]
        if not self.fields["documents"].queryset.exists():  # type: ignore[attr-defined]
            del self.fields["documents"]

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        start, end = local(meeting.starts_at), local(meeting.ends_at)
        return {
            "title": meeting.title, "date": start.date(), "start_time": start.time(),
            "end_time": end.time(), "end_date": end.date() if end.date() != start.date()
            else None, "mode": meeting.mode, "address": meeting.address,
            "video_url": meeting.video_url, "capacity": meeting.capacity,
            "agenda": meeting.agenda, "documents": list(meeting.documents.all()),
        }

    def times(self) -> tuple[datetime, datetime]:
        """Start and end as instants; a ServiceError for a time that does not exist."""
        data = self.cleaned_data
        start = instant_from_local(data["date"], data["start_time"])
        try:
            end = instant_from_local(data["end_date"] or data["date"], data["end_time"])
        except ServiceError as error:
            error.code = {"nonexistent_time": "end_nonexistent",
                          "ambiguous_time": "end_ambiguous",
                          "date_out_of_range": "end_out_of_range"}.get(error.code, error.code)
            raise
        return start, end

    def service_arguments(self) -> dict[str, Any]:
        start, end = self.times()
        data = self.cleaned_data
        return {
            "title": data["title"], "starts_at": start, "ends_at": end, "mode": data["mode"],
            "agenda": data["agenda"], "address": data["address"],
            "video_url": data["video_url"], "capacity": data["capacity"],
            "document_ids": [d.pk for d in data.get("documents") or []],
        }


class RsvpForm(ServiceForm):
    answer = forms.ChoiceField(label=_("Votre réponse"), choices=Answer.choices,
                               widget=forms.RadioSelect)


class CancelForm(ServiceForm):
    error_fields = {"invalid_note": "note"}

    note = forms.CharField(label=_("Motif (facultatif, envoyé aux membres)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


ABSENT = "absent"


class AttendanceForm(ServiceForm):
    """One choice per member (absent, in person, online), the guests, the minutes."""

    error_fields = {"invalid_guests": "guests", "invalid_minutes": "minutes",
                    "invalid_documents": "minutes_document"}

    guests = forms.IntegerField(label=_("Personnes non membres présentes"), min_value=0,
                                initial=0, required=False)
    minutes = forms.CharField(label=_("Compte rendu"), required=False, strip=False,
                              widget=forms.Textarea(attrs={"rows": 8, "data-format": ""}))
    minutes_document = forms.ModelChoiceField(label=_("Compte rendu en document"),
                                              required=False, queryset=Document.objects.none(),
                                              empty_label=_("— aucun —"))

    def __init__(self, *args: Any, members: Any, space_documents: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(members)
        choices = [(ABSENT, _("absente ou absent")), *Presence.choices]
        for user in self.members:
            self.fields[f"member_{user.pk}"] = forms.ChoiceField(
                label=user.label, choices=choices, initial=ABSENT, required=False)
        self.fields["minutes_document"].queryset = space_documents  # type: ignore[attr-defined]

    def member_fields(self) -> list[forms.BoundField]:
        return [self[f"member_{user.pk}"] for user in self.members]

    def attendees(self) -> dict[int, str]:
        return {user.pk: self.cleaned_data[f"member_{user.pk}"] for user in self.members
                if self.cleaned_data.get(f"member_{user.pk}") not in (None, "", ABSENT)}


class ReminderForm(ServiceForm):
    error_fields = {"invalid_reminder": "reminder_hours"}

    reminder_hours = forms.IntegerField(
        label=_("Rappel par courriel, en heures avant chaque rencontre"), min_value=0,
        help_text=_("0 : aucun rappel. Envoyé à qui a répondu oui ou peut-être."))
