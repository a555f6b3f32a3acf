"""Forms of the committee pages: the members offered are the space's members only."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import User
from communities.services.committees import MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS
from frontend.forms import ServiceForm


def _choices(people: Iterable[User]) -> list[tuple[str, str]]:
    return [(str(p.pk), p.label) for p in people]


class MembersField(forms.MultipleChoiceField):
    """Checkboxes of the space's members whose values go to the service unchecked here: a
    member chosen who has left meanwhile, or a forged id, gets the service's own refusal
    (nothing changed) instead of a generic "invalid choice"."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value: str) -> bool:
        return True


class CommitteeForm(ServiceForm):
    error_fields = {"empty_name": "name", "name_too_long": "name", "name_taken": "name",
                    "description_too_long": "description", "not_space_member": "members",
                    "invalid_member": "members"}

    name = forms.CharField(label=_("Nom du comité"), required=False,
                           max_length=MAX_NAME_CHARS + 50)
    description = forms.CharField(label=_("Description (facultative)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=MAX_DESCRIPTION_CHARS + 50)
    members = MembersField(
        label=_("Membres du comité"), required=False,
        help_text=_("Choisissez-les parmi les membres de l'espace. Vous en faites partie "
                    "d'office."))
    existence_visible = forms.BooleanField(
        label=_("Montrer le nom du comité aux autres membres de l'espace"), required=False,
        help_text=_("Sinon, seuls ses membres et l'animation de l'espace savent qu'il existe."))

    def __init__(self, *args: object, people: Iterable[User] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["members"].choices = _choices(people)  # type: ignore[attr-defined]


class AddMembersForm(ServiceForm):
    error_fields = {"not_space_member": "members", "no_member": "members",
                    "invalid_member": "members"}

    members = MembersField(label=_("Membres de l'espace à ajouter"), required=False)

    def __init__(self, *args: object, people: Iterable[User] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["members"].choices = _choices(people)  # type: ignore[attr-defined]
