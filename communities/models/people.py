"""People: the account with its profile, and the credentials API clients use."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.folding import fold
from communities.regions import QUEBEC_REGIONS


class Language(models.TextChoices):
    FRENCH = "fr-ca", _("Français")
    ENGLISH = "en", _("English")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        """An account for an address someone vouched for (an invitation followed, staff, the
        demo), so the address is recorded as verified for django-allauth's sign-in flows."""
        from allauth.account.models import EmailAddress

        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        EmailAddress.objects.using(self._db).create(user=user, email=user.email, primary=True,
                                                    verified=True)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class MemberKind(models.TextChoices):
    """Who a member is in the network: the directory filters on it and the annual report
    counts it."""

    MUNICIPAL_STAFF = "municipal_staff", _("personnel municipal")
    ELECTED = "elected", _("personne élue")
    PARTNER = "partner", _("partenaire")
    ESPACE_MUNI = "espace_muni", _("équipe d'Espace MUNI")


class ExpertiseTag(models.Model):
    """An area of expertise. Staff keep the list offered to everyone (``listed``); a tag a
    member types that is not on it is kept as a free tag, shown on their profile and usable
    as a filter, without joining the list."""

    name = models.CharField(_("nom"), max_length=60)
    #: Case- and accent-folded name: "Accessibilité" and "accessibilite" are one tag.
    key = models.CharField(max_length=60, unique=True, editable=False)
    listed = models.BooleanField(_("proposé à tout le monde"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("domaine d'expertise")
        verbose_name_plural = _("domaines d'expertise")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.key = fold(self.name)[:60]
        super().save(*args, **kwargs)


class Namesake(models.IntegerChoices):
    """How a person is told apart from someone of the same name in a space they share: set by
    the membership service when such a pair first meets, so every page, payload and email
    shows a distinguishing label without querying the other members again."""

    NONE = 0, _("aucun homonyme")
    BY_ORGANISATION = 1, _("par l'organisation")
    BY_NUMBER = 2, _("par le numéro de membre")


class User(AbstractBaseUser, PermissionsMixin):
    """An account and its profile. Email is the sign-in name; platform staff (``is_staff``)
    stand above every space."""

    email = models.EmailField(_("courriel"), unique=True)
    display_name = models.CharField(_("nom affiché"), max_length=120)
    organisation = models.CharField(_("organisation ou municipalité"), max_length=200, blank=True)
    title = models.CharField(_("fonction"), max_length=200, blank=True)
    region = models.CharField(_("région administrative"), max_length=2, choices=QUEBEC_REGIONS,
                              blank=True)
    municipality = models.CharField(_("municipalité"), max_length=120, blank=True)
    mrc = models.CharField(_("MRC"), max_length=120, blank=True)
    kind = models.CharField(_("type de membre"), max_length=20, choices=MemberKind.choices,
                            blank=True)
    bio = models.TextField(_("présentation"), blank=True)
    expertise = models.ManyToManyField(ExpertiseTag, blank=True, related_name="people",
                                       verbose_name=_("domaines d'expertise"))
    #: Storage name of the re-encoded photo (communities.photos); a new photo gets a new name,
    #: so its URL changes and no cache shows the old one.
    photo = models.CharField(max_length=255, blank=True, editable=False)
    #: The member chose to show their address to every member of their spaces (Law 25: off
    #: unless chosen; facilitators and staff see it anyway).
    email_visible = models.BooleanField(_("courriel visible des membres"), default=False)
    #: Folded display name and organisation (communities.mentions.fold), kept by ``save``: the
    #: directory's accent-insensitive search is a plain LIKE on every database.
    search_name = models.CharField(max_length=330, blank=True, editable=False, db_index=True)
    language = models.CharField(_("langue préférée"), max_length=5, choices=Language.choices,
                                default=Language.FRENCH)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("personnel de la plateforme"), default=False)
    date_joined = models.DateTimeField(_("inscription"), default=timezone.now)
    # Head of this person's own event stream (mentions, personal notices); see Event.
    stream_head = models.BigIntegerField(default=0, editable=False)
    namesake = models.PositiveSmallIntegerField(choices=Namesake.choices, default=Namesake.NONE,
                                                editable=False)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")

    def __str__(self) -> str:
        return self.display_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = fold(f"{self.display_name} {self.organisation}")[:330]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"display_name", "organisation"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def initials(self) -> str:
        """What the avatar shows when there is no photo: the first letters of two words."""
        words = [word for word in self.display_name.split() if word[:1].isalnum()]
        return "".join(word[0] for word in words[:2]).upper() or "?"

    @property
    def namesake_hint(self) -> str:
        """What tells this person apart from a namesake: their organisation when no namesake
        shares it, else their member number (already public in mentions, never the email)."""
        if self.namesake == Namesake.NONE:
            return ""
        if self.namesake == Namesake.BY_ORGANISATION and self.organisation:
            return self.organisation
        if self.organisation:
            return gettext("%(organisation)s, membre n° %(number)s") % {
                "organisation": self.organisation, "number": self.pk}
        return gettext("membre n° %(number)s") % {"number": self.pk}

    @property
    def label(self) -> str:
        """The name to show to other members: the display name, with what tells namesakes
        apart beside it when someone of a shared space has the same name."""
        hint = self.namesake_hint
        return f"{self.display_name} ({hint})" if hint else self.display_name

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


def _token_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a SHA-256 of the secret is stored. It works until
    ``expires_at`` (API_TOKEN_DAYS after issue), its owner revokes it, or their password
    changes; a revoked token is deleted, so a stored row is a token that may still work."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    #: The owner's name for it ("script du rapport"), shown where they list their tokens.
    label = models.CharField(_("nom"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_token_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token #{self.pk} ({self.user_id})"


class RealtimeTicket(models.Model):
    """A single-use, 60-second credential for a websocket opened by an API client."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    #: The API token it was asked with: the connection it opens lives only as long as that
    #: token does (its hub ends it on the next audit after a revocation or expiry).
    api_token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="+")
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"ticket #{self.pk}"
