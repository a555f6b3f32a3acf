"""Committees of a space: the list (what each person may know of it), creation, and the
governing page of one committee (members, visibility, archive) for the space's facilitators.
A committee's own pages are the space pages under its slug."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.access import may_govern_committees, membership_of, require_manager
from communities.errors import NotFound, ServiceError
from communities.models import Membership, Space, User
from communities.selectors import committees_seen_in, governed_committee, members_of
from communities.services import committees as services
from frontend.committee_forms import AddMembersForm, CommitteeForm
from frontend.queries import space_or_404
from frontend.views.refusals import refused


def _committee_or_404(user: User, slug: str, committee_slug: str) -> Space:
    try:
        committee = governed_committee(user=user, slug=committee_slug)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    if committee.parent is None or committee.parent.slug != slug:
        raise Http404
    return committee


def _space_people(space: Space, *, excluding: set[int] = frozenset()) -> list[User]:  # type: ignore[assignment]
    return [m.user for m in members_of(space) if m.user_id not in excluding]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def committees(request: HttpRequest, slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    if space.parent_id is not None:
        raise Http404
    governs = may_govern_committees(membership_of(user=me, space=space), me)
    if request.method == "POST" and not governs:
        try:
            require_manager(user=me, space=space)
        except ServiceError as error:
            return refused(request, error, space=space)
    people = [u for u in _space_people(space) if u.pk != me.pk]
    form = CommitteeForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.create_committee(
                actor=me, space=space, name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                members=form.cleaned_data["members"],
                existence_visible=form.cleaned_data["existence_visible"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Le comité « %(name)s » est créé.")
                             % {"name": committee.name})
            return redirect("committee-manage", space.slug, committee.slug)
    return render(request, "frontend/committees/list.html", {
        "space": space, "committees": committees_seen_in(user=me, space=space),
        "governs": governs, "form": form if governs else None, "can_manage": governs,
    }, status=400 if form.is_bound else 200)


def _manage_page(request: HttpRequest, committee: Space, *,
                 add_form: AddMembersForm | None = None, error: str | None = None,
                 status: int = 200) -> HttpResponse:
    space = committee.parent
    assert space is not None
    members = list(members_of(committee))
    inside = {m.user_id for m in members}
    candidates = _space_people(space, excluding=inside)
    return render(request, "frontend/committees/manage.html", {
        "space": space, "committee": committee, "members": members,
        "add_form": add_form or AddMembersForm(people=candidates),
        "candidates": candidates, "error": error, "can_manage": True,
        "is_member": any(m.user_id == request.user.pk for m in members),
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def manage(request: HttpRequest, slug: str, committee_slug: str) -> HttpResponse:
    committee = _committee_or_404(request.user, slug, committee_slug)  # type: ignore[arg-type]
    return _manage_page(request, committee)


@login_required
@require_POST
def add_members(request: HttpRequest, slug: str, committee_slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    committee = _committee_or_404(me, slug, committee_slug)
    assert committee.parent is not None
    inside = set(Membership.objects.filter(space=committee).values_list("user_id", flat=True))
    form = AddMembersForm(request.POST, people=_space_people(committee.parent, excluding=inside))
    if form.is_valid():
        try:
            added = services.add_committee_members(actor=me, committee=committee,
                                                   members=form.cleaned_data["members"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Ajouté au comité : %(names)s.")
                             % {"names": ", ".join(u.label for u in added) or "—"})
            return redirect("committee-manage", slug, committee.slug)
    return _manage_page(request, committee, add_form=form, status=400)


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, committee_slug: str,
                  user_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    committee = _committee_or_404(me, slug, committee_slug)
    member = User.objects.filter(pk=user_id).first()
    try:
        if member is None:
            raise NotFound("not_member", _("Cette personne ne fait pas partie du comité."))
        services.remove_committee_member(actor=me, committee=committee, member=member)
    except ServiceError as error:
        return _manage_page(request, committee, error=str(error.message), status=error.status)
    messages.success(request, _("%(name)s ne fait plus partie du comité.")
                     % {"name": member.label})
    return redirect("committee-manage", slug, committee.slug)


@login_required
@require_POST
def archive(request: HttpRequest, slug: str, committee_slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    committee = _committee_or_404(me, slug, committee_slug)
    archiving = request.POST.get("action") != "unarchive"
    try:
        if archiving:
            services.archive_committee(actor=me, committee=committee)
        else:
            services.unarchive_committee(actor=me, committee=committee)
    except ServiceError as error:
        return _manage_page(request, committee, error=str(error.message), status=error.status)
    messages.success(request, _("Le comité est archivé : il reste consultable par ses membres.")
                     if archiving else _("Le comité n'est plus archivé."))
    return redirect("committee-manage", slug, committee.slug)


@login_required
@require_POST
def visibility(request: HttpRequest, slug: str, committee_slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    committee = _committee_or_404(me, slug, committee_slug)
    visible = request.POST.get("visible") == "1"
    services.set_committee_visibility(actor=me, committee=committee, visible=visible)
    messages.success(request, _("Les membres de l'espace voient maintenant le nom du comité.")
                     if visible else _("Le comité est de nouveau caché aux autres membres."))
    return redirect("committee-manage", slug, committee.slug)


def committee_links(*, user: User, space: Space) -> dict[str, Any]:
    """What the space page shows of its committees (nothing of those one may not know)."""
    if space.parent_id is not None:
        return {"committees": []}
    return {"committees": committees_seen_in(user=user, space=space),
            "committees_url": reverse("committees", args=[space.slug])}
