"""Forms of the profile, directory and contact pages. They shape input only: lengths, the
region list and the tag bounds are the profile service's, so a refusal reads the same on the
page, in the API and at sign-up, and what was typed stays in the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import ExpertiseTag, Language, MemberKind
from communities.regions import QUEBEC_REGIONS
from communities.services.profiles import ProfileInput, split_tags
from frontend.forms import AcceptInvitationForm, ServiceForm

REGION_CHOICES = [("", _("— Choisir une région —")), *QUEBEC_REGIONS]
KIND_CHOICES = [("", _("— Choisir —")), *MemberKind.choices]
#: Choice fields accept any posted value here, so that the service (and not Django's generic
#: "Select a valid choice") explains a region or a kind that is not in the list.
_ANY = {"invalid_choice": _("Choisissez une valeur dans la liste.")}

PROFILE_ERROR_FIELDS: dict[str, str] = {
    "name_missing": "display_name", "name_too_long": "display_name",
    "name_taken": "display_name", "invalid": "display_name",
    "organisation_too_long": "organisation", "municipality_too_long": "municipality",
    "mrc_too_long": "mrc", "invalid_region": "region", "invalid_kind": "kind",
    "title_too_long": "title", "bio_too_long": "bio", "invalid_language": "language",
    "tags_too_long": "other_expertise", "tag_too_long": "other_expertise",
    "too_many_tags": "other_expertise",
    "photo_not_image": "photo", "photo_too_large": "photo", "photo_too_many_pixels": "photo",
}


class OpenChoiceField(forms.ChoiceField):
    """A select whose value the service checks: an unknown value reaches it as typed."""

    def valid_value(self, value: object) -> bool:
        return True


class SignUpProfileFields(forms.Form):
    """What the invitation sign-up asks besides the name: enough for the directory."""

    organisation = forms.CharField(
        label=_("Organisation ou municipalité"), required=True,
        help_text=_("Par exemple « Ville de Rimouski » ou « MRC de Memphrémagog »."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    municipality = forms.CharField(label=_("Municipalité"), required=False)
    region = OpenChoiceField(label=_("Région administrative"), choices=REGION_CHOICES,
                             required=True)
    kind = OpenChoiceField(label=_("Type de membre"), choices=KIND_CHOICES, required=True)


class ProfileForm(ServiceForm):
    error_fields = PROFILE_ERROR_FIELDS

    display_name = forms.CharField(label=_("Nom affiché"), required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    organisation = forms.CharField(label=_("Organisation"), required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    title = forms.CharField(label=_("Fonction"), required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "organization-title"}))
    kind = OpenChoiceField(label=_("Type de membre"), choices=KIND_CHOICES, required=False)
    municipality = forms.CharField(label=_("Municipalité"), required=False)
    mrc = forms.CharField(label=_("MRC (facultatif)"), required=False)
    region = OpenChoiceField(label=_("Région administrative"), choices=REGION_CHOICES,
                             required=False)
    listed_expertise = forms.ModelMultipleChoiceField(
        label=_("Domaines d'expertise"), queryset=ExpertiseTag.objects.filter(listed=True),
        required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Ce domaine n'est plus proposé : décochez-le."),
                        "invalid_pk_value": _("Ce domaine n'est plus proposé : décochez-le.")})
    other_expertise = forms.CharField(
        label=_("Autres domaines d'expertise"), required=False,
        help_text=_("Séparés par des virgules. Au plus 10 domaines en tout, de 60 caractères "
                    "chacun."))
    bio = forms.CharField(label=_("Présentation"), required=False, strip=False,
                          widget=forms.Textarea(attrs={"rows": 5}),
                          help_text=_("Quelques lignes : vos dossiers, ce que vous cherchez. Au "
                                      "plus 1 000 caractères."))
    language = forms.ChoiceField(label=_("Langue préférée"), choices=Language.choices,
                                 error_messages=_ANY)
    email_visible = forms.BooleanField(
        label=_("Montrer mon adresse courriel aux membres de mes espaces"), required=False,
        help_text=_("Sans cela, seules les personnes qui animent vos espaces et l'équipe de la "
                    "plateforme la voient ; les autres vous écrivent par la plateforme."))
    photo = forms.FileField(
        label=_("Nouvelle photo"), required=False,
        help_text=_("JPEG, PNG, GIF ou WebP, au plus 8 Mo. Elle est recadrée en carré et ses "
                    "métadonnées (position, appareil) sont retirées."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,"
                                                         "image/webp"}))
    remove_photo = forms.BooleanField(label=_("Retirer ma photo"), required=False)

    def profile_input(self) -> ProfileInput:
        """The profile as typed, for the service (which refuses what is wrong)."""
        data = self.cleaned_data
        names = [tag.name for tag in data.get("listed_expertise") or []]
        names += split_tags(data.get("other_expertise") or "")
        return ProfileInput(
            display_name=data.get("display_name") or "",
            organisation=data.get("organisation") or "",
            municipality=data.get("municipality") or "", mrc=data.get("mrc") or "",
            region=data.get("region") or "", kind=data.get("kind") or "",
            title=data.get("title") or "", bio=data.get("bio") or "", expertise=names,
            language=data.get("language") or Language.FRENCH,
            email_visible=bool(data.get("email_visible")))


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Nom ou organisation"), required=False, max_length=120,
                        widget=forms.TextInput(attrs={"type": "search"}))
    region = forms.ChoiceField(label=_("Région"), required=False,
                               choices=[("", _("Toutes les régions")), *QUEBEC_REGIONS])
    kind = forms.ChoiceField(label=_("Type de membre"), required=False,
                             choices=[("", _("Tous les types")), *MemberKind.choices])
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    expertise = forms.TypedChoiceField(label=_("Expertise"), required=False, coerce=int,
                                       empty_value=None)

    def __init__(self, *args: object, organisations: list[str],
                 tags: list[ExpertiseTag], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", _("Toutes les organisations")), *((o, o) for o in organisations)]
        self.fields["expertise"].choices = [  # type: ignore[attr-defined]
            ("", _("Toutes les expertises")), *((t.pk, t.name) for t in tags)]


class ContactForm(ServiceForm):
    error_fields = {"subject_missing": "subject", "subject_too_long": "subject",
                    "body_missing": "body", "body_too_long": "body"}

    subject = forms.CharField(label=_("Objet"), required=False)
    body = forms.CharField(label=_("Message"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 8}))


class InvitationSignUpForm(AcceptInvitationForm, SignUpProfileFields):
    """The account and the first profile, on the page of the invitation."""

    error_fields = {**AcceptInvitationForm.error_fields, **PROFILE_ERROR_FIELDS}
    field_order = ["display_name", "organisation", "municipality", "region", "kind",
                   "password", "password_confirmation"]

    def profile_input(self) -> ProfileInput:
        data = self.cleaned_data
        return ProfileInput(display_name=data.get("display_name") or "",
                            organisation=data.get("organisation") or "",
                            municipality=data.get("municipality") or "",
                            region=data.get("region") or "", kind=data.get("kind") or "")
