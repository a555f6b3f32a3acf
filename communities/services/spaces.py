"""Spaces and membership: create, invite, accept, leave, remove, change role."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communities import mailing
from communities.access import is_platform_staff, may_grant, membership_of, require_manager
from communities.addresses import mask_email, normalise_email, same_address
from communities.errors import Conflict, Forbidden, NotFound, ServiceError
from communities.events import emit
from communities.mentions import fold
from communities.models import MANAGING_ROLES, Invitation, Membership, Role, Space, User
from communities.secrets import hash_secret, new_secret
from communities.serializers import person, space_data
from communities.services.committees import end_committee_memberships
from communities.services.namesakes import tell_apart
from communities.services.profiles import ProfileInput, apply_profile, clean_profile

logger = logging.getLogger(__name__)


def _check_role(role: str) -> str:
    if role not in Role.values:
        raise ServiceError("invalid_role", _("Rôle inconnu : %(role)s.") % {"role": role})
    return role


def _managers_left_after(*, space: Space, without: Membership) -> int:
    return (
        Membership.objects.filter(space=space, role__in=MANAGING_ROLES)
        .exclude(pk=without.pk)
        .count()
    )


def create_space(*, actor: User, slug: str, name: str, description: str = "",
                 is_private: bool = True) -> Space:
    if not is_platform_staff(actor):
        raise Forbidden("forbidden", _("Seul le personnel de la plateforme crée des espaces."))
    slug = slugify(slug)
    name = name.strip()
    if not slug or not name:
        raise ServiceError("invalid", _("Un espace a besoin d'un identifiant et d'un nom."))
    taken = Conflict("slug_taken", _("L'identifiant « %(slug)s » est déjà pris.") % {"slug": slug})
    if Space.objects.filter(slug=slug).exists():
        raise taken
    try:
        with transaction.atomic():
            space = Space.objects.create(slug=slug, name=name, description=description.strip(),
                                         is_private=is_private)
            emit(kind="space.created", actor=actor, space=space,
                 data={"space": space_data(space)})
    except IntegrityError:  # a concurrent creation took the slug between check and insert
        raise taken from None
    return space


def add_member(*, actor: User | None, space: Space, user: User, role: str = Role.MEMBER,
               via: str = "admin") -> Membership:
    """Put someone in a space. Internal: its callers (invitation acceptance, staff tooling,
    demo data) have already decided the person may join; adding an existing member changes
    nothing and emits nothing."""
    _check_role(role)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            space=space, user=user, defaults={"role": role}
        )
        if created:
            tell_apart(space=space, user=user)
            emit(kind="member.joined", actor=actor or user, space=space,
                 data={"member": person(user), "role": role, "via": via})
    return membership


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    token: str


def invite_member(*, actor: User, space: Space, email: str,
                  role: str = Role.MEMBER) -> SentInvitation:
    """Invite someone by email. The link carries a single-use token valid 14 days."""
    actor_membership = require_manager(user=actor, space=space)
    if space.parent_id is not None:
        raise ServiceError("committee_invitation", _(
            "On n'invite pas dans un comité par courriel : ses membres sont choisis parmi "
            "ceux de l'espace, sur la page des comités de l'espace."))
    _check_role(role)
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError("invalid_email", _("Adresse courriel invalide : « %(email)s ».")
                           % {"email": email}) from None
    if not may_grant(user=actor, membership=actor_membership, role=role):
        raise Forbidden("forbidden", _("Seule l'administration de l'espace peut inviter une "
                                       "personne comme administratrice."))
    if Membership.objects.filter(space=space, user__email__iexact=email).exists():
        raise Conflict("already_member", _("Cette personne fait déjà partie de l'espace."))
    raw, digest = new_secret()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            space=space, email=email, role=role, token_hash=digest, invited_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
        )
        # The email address stays with facilitators: the space stream is read by all members.
        emit(kind="invitation.sent", actor=actor, space=space,
             data={"invitation": {"id": invitation.pk, "role": role, "by": person(actor)}})
        transaction.on_commit(lambda: _send_invitation_email(invitation, raw))
    return SentInvitation(invitation=invitation, token=raw)


def resend_invitation(*, actor: User, invitation: Invitation) -> SentInvitation:
    """Send a pending invitation again (the first email failed, or never arrived) with a new
    link valid 14 days from now; the old link stops working, so only the newest email counts."""
    actor_membership = require_manager(user=actor, space=invitation.space)
    raw, digest = new_secret()
    with transaction.atomic():
        locked = Invitation.objects.select_for_update(of=("self",)).select_related(
            "space", "invited_by").get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise Conflict("invitation_used", _("Cette invitation a déjà été acceptée."))
        # Leaving or being removed expires a person's invitations: resending one must not
        # bring them back, so only a pending invitation is resent (else: invite again).
        if locked.expires_at <= timezone.now():
            raise ServiceError("invitation_expired", _("Cette invitation a expiré : invitez la "
                                                       "personne de nouveau."), status=410)
        if not may_grant(user=actor, membership=actor_membership, role=locked.role):
            raise Forbidden("forbidden", _("Seule l'administration de l'espace peut inviter une "
                                           "personne comme administratrice."))
        if Membership.objects.filter(space=locked.space, user__email__iexact=locked.email).exists():
            raise Conflict("already_member", _("Cette personne fait déjà partie de l'espace."))
        locked.token_hash = digest
        locked.expires_at = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
        locked.save(update_fields=["token_hash", "expires_at"])
        emit(kind="invitation.sent", actor=actor, space=locked.space,
             data={"invitation": {"id": locked.pk, "role": locked.role, "by": person(actor),
                                  "resent": True}})
        transaction.on_commit(lambda: _send_invitation_email(locked, raw))
    return SentInvitation(invitation=locked, token=raw)


def _send_invitation_email(invitation: Invitation, raw_token: str) -> None:
    """Runs after the commit: a mail server that refuses or is down must not turn the
    facilitator's committed invitation into an error page, so the failure is recorded on the
    invitation (the page says so and offers to resend) and logged."""
    try:
        _deliver_invitation_email(invitation, raw_token)
    except Exception:
        logger.exception("invitation %s: the email could not be sent", invitation.pk)
        failed_at: datetime | None = timezone.now()
    else:
        failed_at = None
    if failed_at is not None or invitation.email_failed_at is not None:
        Invitation.objects.filter(pk=invitation.pk).update(email_failed_at=failed_at)
    invitation.email_failed_at = failed_at


def _deliver_invitation_email(invitation: Invitation, raw_token: str) -> None:
    url = settings.SITE_URL.rstrip("/") + reverse("accept-invitation", args=[raw_token])
    context = {"invitation": invitation, "space": invitation.space, "url": url,
               "inviter": invitation.invited_by, "days": settings.INVITATION_DAYS}
    space_name = invitation.space.name
    # Someone who already has an account is written to in their language; others in French.
    mailing.send(mailing.Mail(
        to=invitation.email, template="communities/email/invitation", context=context,
        subject=lambda: _("Invitation à rejoindre %(space)s") % {"space": space_name},
        reader=User.objects.filter(email__iexact=invitation.email).first()))


def invitation_for_token(raw_token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("space", "invited_by")
        .filter(token_hash=hash_secret(raw_token or ""))
        .first()
    )
    if invitation is None:
        raise NotFound("invitation_unknown", _("Ce lien d'invitation n'est pas valide."))
    if invitation.accepted_at is not None:
        raise ServiceError("invitation_used", _("Cette invitation a déjà été utilisée."),
                           status=410)
    if invitation.expires_at <= timezone.now():
        raise ServiceError("invitation_expired", _("Cette invitation a expiré. Demandez une "
                                                   "nouvelle invitation à l'animation."),
                           status=410)
    return invitation


def check_invitation_recipient(*, invitation: Invitation, user: User) -> None:
    """Only the account of the invited address may accept: a forwarded link lets no one else
    in. The refusal shows the address masked, since whoever holds the link may not own it."""
    if not same_address(user.email, invitation.email):
        raise Forbidden("invitation_other_address",
                        _("Cette invitation a été envoyée à une autre adresse "
                          "(%(masked)s). Connectez-vous avec le compte de cette adresse "
                          "pour l'accepter.") % {"masked": mask_email(invitation.email)})


def accept_invitation(*, raw_token: str, user: User | None = None, display_name: str = "",
                      password: str = "", profile: ProfileInput | None = None) -> Membership:
    """Accept an invitation: add the signed-in person to the space if their account is the
    invited address's, or create the account for the invited address first. The token works
    once; a refusal leaves it usable."""
    with transaction.atomic():
        invitation = invitation_for_token(raw_token)
        # Lock the row so two clicks on the same link cannot both succeed.
        invitation = Invitation.objects.select_for_update().select_related("space").get(
            pk=invitation.pk
        )
        if invitation.accepted_at is not None:
            raise ServiceError("invitation_used", _("Cette invitation a déjà été utilisée."),
                               status=410)
        if user is None:
            user = _create_invited_account(invitation, display_name, password, profile)
        else:
            check_invitation_recipient(invitation=invitation, user=user)
        membership = add_member(actor=user, space=invitation.space, user=user,
                                role=invitation.role, via="invitation")
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _create_invited_account(invitation: Invitation, display_name: str, password: str,
                            profile: ProfileInput | None = None) -> User:
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise Conflict("account_exists", _("Un compte existe déjà pour %(email)s : connectez-vous "
                                           "pour accepter l'invitation.")
                       % {"email": mask_email(invitation.email)})
    display_name = " ".join(display_name.split())
    if not display_name:
        raise ServiceError("invalid", _("Indiquez le nom à afficher aux autres membres."))
    _refuse_a_name_taken_in(invitation.space, display_name)
    candidate = User(email=invitation.email, display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise ServiceError("weak_password", " ".join(error.messages)) from None
    # The profile typed at sign-up is checked before the account exists, so a refusal leaves
    # nothing behind and the form keeps what was typed.
    cleaned = clean_profile(replace(profile, display_name=display_name)) if profile else None
    user = User.objects.create_user(invitation.email, password, display_name=display_name)
    if cleaned is not None:
        apply_profile(user, cleaned)
    return user


def _refuse_a_name_taken_in(space: Space, display_name: str) -> None:
    """A newcomer may not take the name of someone already in the space: members would not
    tell them apart in the thread, and a bare @mention of that name would be ambiguous."""
    wanted = fold(display_name)
    names = Membership.objects.filter(space=space).values_list("user__display_name", flat=True)
    if any(fold(name) == wanted for name in names):
        raise Conflict("name_taken", _(
            "Une personne de cet espace porte déjà le nom « %(name)s » : ajoutez par exemple "
            "une initiale, votre fonction ou votre organisation pour qu'on vous distingue.")
            % {"name": display_name})


def _expire_invitations(*, space: Space, email: str) -> None:
    """Someone who leaves or is removed cannot come back through a link sent earlier."""
    Invitation.objects.filter(space=space, email__iexact=email, accepted_at__isnull=True,
                              expires_at__gt=timezone.now()).update(expires_at=timezone.now())


def leave_space(*, actor: User, space: Space) -> None:
    with transaction.atomic():
        membership = membership_of(user=actor, space=space)
        if membership is None:
            raise NotFound("not_member", _("Vous ne faites pas partie de cet espace."))
        # A committee is governed by its space's facilitators: it may be left by anyone.
        if space.parent_id is None and membership.role in MANAGING_ROLES and not (
            _managers_left_after(space=space, without=membership)
        ):
            raise Conflict("last_manager", _("Vous êtes la dernière personne à animer cet "
                                             "espace : confiez ce rôle à quelqu'un avant de "
                                             "partir."))
        membership.delete()
        _expire_invitations(space=space, email=actor.email)
        emit(kind="member.left", actor=actor, space=space, data={"member": person(actor)})
        emit(kind="membership.ended", actor=actor, owner=actor,
             data={"space": space.slug, "reason": "left"})
        end_committee_memberships(actor=actor, space=space, member=actor, reason="left")


def remove_member(*, actor: User, space: Space, member: User) -> None:
    with transaction.atomic():
        actor_membership = require_manager(user=actor, space=space)
        membership = membership_of(user=member, space=space)
        if membership is None:
            raise NotFound("not_member", _("Cette personne ne fait pas partie de l'espace."))
        if member.pk == actor.pk:
            raise ServiceError("use_leave", _("Pour vous retirer vous-même, quittez l'espace."))
        if not may_grant(user=actor, membership=actor_membership, role=membership.role):
            raise Forbidden("forbidden", _("Seule l'administration de l'espace peut retirer "
                                           "une personne administratrice."))
        membership.delete()
        _expire_invitations(space=space, email=member.email)
        emit(kind="member.removed", actor=actor, space=space,
             data={"member": person(member), "by": person(actor)})
        emit(kind="membership.ended", actor=actor, owner=member,
             data={"space": space.slug, "reason": "removed"})
        end_committee_memberships(actor=actor, space=space, member=member, reason="removed")


def change_role(*, actor: User, space: Space, member: User, role: str) -> Membership:
    _check_role(role)
    with transaction.atomic():
        actor_membership = require_manager(user=actor, space=space)
        membership = Membership.objects.select_for_update().filter(space=space, user=member).first()
        if membership is None:
            raise NotFound("not_member", _("Cette personne ne fait pas partie de l'espace."))
        previous = membership.role
        if previous == role:
            return membership
        if not (
            may_grant(user=actor, membership=actor_membership, role=role)
            and may_grant(user=actor, membership=actor_membership, role=previous)
        ):
            raise Forbidden("forbidden", _("Seule l'administration de l'espace peut donner ou "
                                           "retirer le rôle d'administration."))
        if previous in MANAGING_ROLES and role not in MANAGING_ROLES and not (
            _managers_left_after(space=space, without=membership)
        ):
            raise Conflict("last_manager", _("L'espace doit garder au moins une personne qui "
                                             "l'anime."))
        membership.role = role
        membership.save(update_fields=["role"])
        emit(kind="member.role_changed", actor=actor, space=space,
             data={"member": person(member), "role": role, "previous_role": previous,
                   "by": person(actor)})
    return membership
