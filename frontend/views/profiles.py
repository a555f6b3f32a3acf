"""Profiles: a member's page, my own profile's form (photo included), the photo itself and
the private contact form. Someone who may not see a profile gets "not found", the same answer
as for a person who does not exist (communities.access.may_see_profile)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communities.access import is_platform_staff, may_see_email, may_see_profile
from communities.errors import ServiceError
from communities.models import Membership, User
from communities.photos import photo_token
from communities.services import contact as contact_service
from communities.services import profiles as service
from frontend.profile_forms import ContactForm, ProfileForm


def _visible_person(request: HttpRequest, user_id: int) -> User:
    viewer: User = request.user  # type: ignore[assignment]
    person = get_object_or_404(User.objects.prefetch_related("expertise"), pk=user_id)
    if not may_see_profile(viewer=viewer, person=person):
        raise Http404
    return person


def _shared_spaces(viewer: User, person: User) -> list[Any]:
    spaces = Membership.objects.filter(user=person).select_related("space")
    if not is_platform_staff(viewer) and viewer.pk != person.pk:
        spaces = spaces.filter(space__memberships__user=viewer)
    return [m.space for m in spaces.order_by("space__name")]


@login_required
@require_http_methods(["GET", "HEAD"])
def profile(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    person = _visible_person(request, user_id)
    return render(request, "frontend/profiles/profile.html", {
        "person": person, "is_me": person.pk == viewer.pk,
        "email": person.email if may_see_email(viewer=viewer, person=person) else "",
        "spaces": _shared_spaces(viewer, person),
    })


def _initial(user: User) -> dict[str, Any]:
    tags = list(user.expertise.all())
    return {
        "display_name": user.display_name, "organisation": user.organisation,
        "title": user.title, "kind": user.kind, "municipality": user.municipality,
        "mrc": user.mrc, "region": user.region, "bio": user.bio, "language": user.language,
        "email_visible": user.email_visible,
        "listed_expertise": [t.pk for t in tags if t.listed],
        "other_expertise": ", ".join(t.name for t in tags if not t.listed),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_profile(request: HttpRequest) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    if request.method != "POST":
        form = ProfileForm(initial=_initial(me))
        return _render_edit(request, me, form)
    form = ProfileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            data = service.clean_profile(form.profile_input())
            upload = form.cleaned_data.get("photo")
            if upload:
                service.set_photo(actor=me, user=me, upload=upload, size=upload.size)
            elif form.cleaned_data.get("remove_photo"):
                service.remove_photo(actor=me, user=me)
            service.update_profile(actor=me, user=me, data=data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Votre profil est enregistré."))
            return redirect("profile", user_id=me.pk)
    me.refresh_from_db()
    return _render_edit(request, me, form, status=400)


def _render_edit(request: HttpRequest, me: User, form: ProfileForm,
                 status: int = 200) -> HttpResponse:
    return render(request, "frontend/profiles/edit.html", {"form": form, "person": me},
                  status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def photo(request: HttpRequest, user_id: int, token: str) -> FileResponse:
    person = _visible_person(request, user_id)
    if not person.photo or photo_token(person.photo) != token:
        raise Http404
    try:
        stream = default_storage.open(person.photo, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(stream, content_type="image/jpeg")
    # The address changes with the photo, so a long private cache is safe; a shared cache
    # (proxy) must never keep it, since who may see it is decided per person.
    response["Cache-Control"] = "private, max-age=86400"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest, user_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    person = _visible_person(request, user_id)
    if person.pk == me.pk:
        return redirect("profile", user_id=me.pk)
    email = person.email if may_see_email(viewer=me, person=person) else ""
    form = ContactForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            contact_service.contact_member(actor=me, person=person,
                                           subject=form.cleaned_data["subject"],
                                           body=form.cleaned_data["body"])
        except ServiceError as error:
            form.add_service_error(error)
            status = error.status if error.status in {429, 503} else 400
        else:
            messages.success(request, _("Votre message est parti. %(name)s vous répondra à "
                                        "votre adresse courriel.") % {"name": person.label})
            return redirect("profile", user_id=person.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "frontend/profiles/contact.html",
                  {"person": person, "form": form, "email": email,
                   "max_body": contact_service.MAX_BODY}, status=status)

