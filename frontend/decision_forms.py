"""Forms of the decisions and action items pages. They only shape input; the rules (lengths,
dates, who may be assigned) are decisions.services', whose refusals land on these fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import User
from decisions.models import ActionStatus
from frontend.forms import ServiceForm

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DecisionForm(ServiceForm):
    error_fields = {"empty_text": "text", "text_too_long": "text", "invalid_text": "text",
                    "decided_in_future": "decided_on", "decided_too_long_ago": "decided_on"}

    # Not required and no max_length: the service owns the limits and their wording.
    text = forms.CharField(label=_("Décision"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Au plus 2000 caractères."))
    decided_on = forms.DateField(label=_("Date de la décision"), widget=_DATE)


class ActionForm(ServiceForm):
    error_fields = {"empty_what": "what", "what_too_long": "what", "invalid_text": "what",
                    "due_in_past": "due_on", "due_too_far": "due_on",
                    "no_assignee": "assignees", "too_many_assignees": "assignees",
                    "assignee_not_member": "assignees"}

    what = forms.CharField(label=_("Action à faire"), required=False,
                           help_text=_("Au plus 500 caractères."))
    assignees = forms.TypedMultipleChoiceField(
        label=_("Personnes responsables"), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Une ou plusieurs personnes."))
    due_on = forms.DateField(label=_("Échéance"), widget=_DATE)

    def __init__(self, *args: Any, members: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every id is accepted by the field so the service, not the form, refuses a stranger
        # (with its own words); the checkboxes offer the members.
        field = self.fields["assignees"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(m.pk, m.label) for m in members]
        field.valid_value = lambda value: True  # type: ignore[method-assign]


class StatusForm(ServiceForm):
    status = forms.ChoiceField(label=_("État"), choices=ActionStatus.choices)


class RegisterFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[
        ("", _("Décisions et actions")), ("decision", _("Décisions")),
        ("action", _("Actions"))])
    status = forms.ChoiceField(label=_("État"), required=False,
                               choices=[("", _("Tous les états")), *ActionStatus.choices])
    assignee = forms.TypedChoiceField(label=_("Personne responsable"), required=False,
                                      coerce=int, empty_value=None)
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)

    def __init__(self, *args: Any, members: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Tout le monde")), *[(m.pk, m.label) for m in members]]
