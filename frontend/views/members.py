"""Members of a space: the list for everyone; invite, change role and remove for the people
who run the space; leave for everyone."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.access import may_manage, membership_of
from communities.errors import Forbidden, ServiceError
from communities.models import Invitation, Space, User
from communities.selectors import members_of
from communities.services import spaces as services
from frontend.forms import InviteForm, RoleForm, ServiceForm
from frontend.queries import pending_invitations, space_or_404
from frontend.views.refusals import FacilitatorsOnly


def _manages(request: HttpRequest, space: Space) -> bool:
    me: User = request.user  # type: ignore[assignment]
    return may_manage(membership_of(user=me, space=space), me)


def _role_prefix(user_id: int) -> str:
    return f"member-{user_id}"


def _render(request: HttpRequest, space: Space, *, invite_form: InviteForm | None = None,
            failed_role: tuple[int, RoleForm] | None = None, status: int = 200) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    can_manage = may_manage(membership_of(user=me, space=space), me)
    rows: list[dict[str, Any]] = []
    for membership in members_of(space):
        row: dict[str, Any] = {"membership": membership, "is_me": membership.user_id == me.pk}
        if can_manage and not row["is_me"]:
            if failed_role and failed_role[0] == membership.user_id:
                row["role_form"] = failed_role[1]
            else:
                row["role_form"] = RoleForm(initial={"role": membership.role},
                                            prefix=_role_prefix(membership.user_id))
        rows.append(row)
    return render(request, "frontend/members.html", {
        "space": space, "rows": rows, "can_manage": can_manage,
        "invite_form": invite_form or (InviteForm() if can_manage else None),
        "invitations": pending_invitations(space) if can_manage else [],
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    space = space_or_404(request.user, slug)  # type: ignore[arg-type]
    if request.method != "POST":
        return _render(request, space)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            sent = services.invite_member(actor=request.user,  # type: ignore[arg-type]
                                          space=space, email=form.cleaned_data["email"],
                                          role=form.cleaned_data["role"])
        except Forbidden as error:
            # People who may not invite have no invite form to show the refusal on.
            messages.error(request, str(error.message))
            return _render(request, space, status=403)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            _tell_how_it_went(request, sent.invitation)
            return redirect("members", slug=space.slug)
    return _render(request, space, invite_form=form, status=400)


def _tell_how_it_went(request: HttpRequest, invitation: Invitation) -> None:
    if invitation.email_failed_at is None:
        messages.success(request, _("Invitation envoyée à %(email)s.")
                         % {"email": invitation.email})
    else:
        messages.warning(request, _(
            "L'invitation pour %(email)s est enregistrée, mais le courriel n'a pas pu partir "
            "(serveur de courriel injoignable). Réessayez plus tard avec « Renvoyer ».")
            % {"email": invitation.email})


@login_required
@require_POST
def resend_invitation(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    space = space_or_404(request.user, slug)  # type: ignore[arg-type]
    invitation = get_object_or_404(Invitation, pk=invitation_id, space=space)
    try:
        sent = services.resend_invitation(actor=request.user,  # type: ignore[arg-type]
                                          invitation=invitation)
    except ServiceError as error:
        if isinstance(error, Forbidden) and not _manages(request, space):
            raise FacilitatorsOnly(space) from None
        messages.error(request, str(error.message))
        if isinstance(error, Forbidden):
            return _render(request, space, status=403)
    else:
        _tell_how_it_went(request, sent.invitation)
    return redirect("members", slug=space.slug)


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    space = space_or_404(request.user, slug)  # type: ignore[arg-type]
    member = get_object_or_404(User, pk=user_id)
    form = RoleForm(request.POST, prefix=_role_prefix(user_id))
    if form.is_valid():
        try:
            services.change_role(actor=request.user, space=space,  # type: ignore[arg-type]
                                 member=member, role=form.cleaned_data["role"])
        except Forbidden as error:
            if not _manages(request, space):
                raise FacilitatorsOnly(space) from None
            form.add_service_error(error)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Le rôle de %(name)s est modifié.")
                             % {"name": member.display_name})
            return redirect("members", slug=space.slug)
    return _render(request, space, failed_role=(user_id, form), status=400)


def _confirm(request: HttpRequest, space: Space, *, template_context: dict[str, Any],
             form: ServiceForm, status: int = 200) -> HttpResponse:
    return render(request, "frontend/confirm.html",
                  {"space": space, "form": form, **template_context}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def remove_member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    space = space_or_404(request.user, slug)  # type: ignore[arg-type]
    if not _manages(request, space):
        raise FacilitatorsOnly(space)
    member = get_object_or_404(User, pk=user_id, memberships__space=space)
    texts = {
        "title": _("Retirer %(name)s de l'espace") % {"name": member.display_name},
        "question": _("%(name)s n'aura plus accès aux discussions de « %(space)s ». Ses messages "
                      "restent visibles.") % {"name": member.display_name, "space": space.name},
        "button": _("Retirer cette personne"),
    }
    form = ServiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            services.remove_member(actor=request.user, space=space,  # type: ignore[arg-type]
                                   member=member)
        except ServiceError as error:
            form.add_service_error(error)
            return _confirm(request, space, template_context=texts, form=form, status=400)
        messages.success(request, _("%(name)s ne fait plus partie de l'espace.")
                         % {"name": member.display_name})
        return redirect("members", slug=space.slug)
    return _confirm(request, space, template_context=texts, form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def leave_space(request: HttpRequest, slug: str) -> HttpResponse:
    space = space_or_404(request.user, slug)  # type: ignore[arg-type]
    texts = {
        "title": _("Quitter « %(space)s »") % {"space": space.name},
        "question": _("Vous n'aurez plus accès aux discussions de cet espace. Pour y revenir, il "
                      "faudra une nouvelle invitation."),
        "button": _("Quitter cet espace"),
    }
    form = ServiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            services.leave_space(actor=request.user, space=space)  # type: ignore[arg-type]
        except ServiceError as error:
            form.add_service_error(error)
            return _confirm(request, space, template_context=texts, form=form, status=400)
        messages.success(request, _("Vous avez quitté « %(space)s ».") % {"space": space.name})
        return redirect("my-spaces")
    return _confirm(request, space, template_context=texts, form=form)
