"""Forms of the email pages: they shape input; the services in ``emails`` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from emails.models import DigestFrequency, NotificationMode
from emails.preferences import Choices


class FreshLinkForm(forms.Form):
    email = forms.EmailField(label=_("Votre adresse courriel"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


SPACE_DIGEST_CHOICES = [("", _("comme ci-dessus")), *DigestFrequency.choices]


class PreferencesForm(forms.Form):
    digest = forms.ChoiceField(label=_("Résumé par courriel"), choices=DigestFrequency.choices,
                               widget=forms.RadioSelect)
    notifications = forms.ChoiceField(
        label=_("Quand quelqu'un vous mentionne ou répond à l'un de vos messages"),
        choices=NotificationMode.choices, widget=forms.RadioSelect)
    announcements = forms.BooleanField(
        label=_("Recevoir par courriel les annonces des personnes qui animent mes espaces"),
        required=False)

    def __init__(self, *args: Any, choices: Choices, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"digest": choices.digest,
                                      "notifications": choices.notifications,
                                      "announcements": choices.announcements})
        super().__init__(*args, **kwargs)
        self.space_rows: list[tuple[Any, Any, Any]] = []
        for line in choices.spaces:
            digest_name = f"space_{line.space.pk}_digest"
            muted_name = f"space_{line.space.pk}_muted"
            self.fields[digest_name] = forms.ChoiceField(
                label=_("Résumé de « %(space)s »") % {"space": line.space.name},
                choices=SPACE_DIGEST_CHOICES, required=False, initial=line.digest)
            self.fields[muted_name] = forms.BooleanField(
                label=_("Aucune notification de « %(space)s »") % {"space": line.space.name},
                required=False, initial=line.notifications_muted)
            self.space_rows.append((line.space, self[digest_name], self[muted_name]))

    @property
    def space_groups(self) -> list[tuple[Any, Any, Any, list[tuple[Any, Any, Any]]]]:
        """Each space with its committees beneath it (a committee's parent is always among
        the rows: one belongs to a committee only while belonging to its space)."""
        tops: dict[int, tuple[Any, Any, Any, list[tuple[Any, Any, Any]]]] = {
            row[0].pk: (*row, []) for row in self.space_rows if row[0].parent_id is None}
        groups = list(tops.values())
        for row in self.space_rows:
            space = row[0]
            if space.parent_id is None:
                continue
            if space.parent_id in tops:
                tops[space.parent_id][3].append(row)
            else:
                groups.append((*row, []))
        return groups

    def per_space(self) -> dict[int, tuple[str, bool]]:
        data = self.cleaned_data
        return {space.pk: (data[digest.name] or "", bool(data[muted.name]))
                for space, digest, muted in self.space_rows}
