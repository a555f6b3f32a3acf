"""The folder browser of a space, its folders (create, rename, move, delete), the trash and
the space's upload rule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communities.errors import Forbidden, ServiceError
from communities.ids import parse_id
from communities.models import Space, User
from docs_store import selectors, services
from docs_store.models import Folder
from docs_store.space_rules import change_upload_rule
from frontend.document_forms import (
    FolderForm,
    UploadForm,
    UploadRuleForm,
    folder_choices,
    offer_folders,
)
from frontend.queries import space_or_404
from frontend.views.documents.common import (
    done,
    folder_or_404,
    folder_path,
    folder_url,
    invalid,
    powers_of,
)
from frontend.views.live import live_context
from frontend.views.refusals import FacilitatorsOnly, refused


def _browser(request: HttpRequest, space: Space, folder: Folder | None, *,
             folder_form: FolderForm | None = None, status: int = 200) -> HttpResponse:
    """The folder's page; a refused upload is shown on the upload page instead (it has room
    for the explanation and keeps what was typed)."""
    me: User = request.user  # type: ignore[assignment]
    powers = powers_of(me, space)
    # Read before the lists, so live.js replays anything newer (as on the space page).
    context = live_context(space, user=me, moderator=powers.moderate)
    context["live"]["folder"] = folder.pk if folder else 0
    folders, documents = selectors.folder_contents(space=space, folder=folder)
    return render(request, "frontend/documents/browser.html", {
        **context, "space": space, "folder": folder, "path": folder_path(folder),
        "folders": folders, "documents": documents, "powers": powers,
        "upload_form": UploadForm(initial={"folder": folder.pk if folder else None}),
        "folder_form": folder_form or FolderForm(),
        "folder_url": folder_url(space, folder),
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def browse(request: HttpRequest, slug: str, folder_id: int | None = None) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    return _browser(request, space, folder_or_404(me, space, folder_id))


@login_required
@require_http_methods(["POST"])
def create_folder(request: HttpRequest, slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    parent_id = request.POST.get("parent", "")
    parent_number = parse_id(parent_id)
    if parent_id and parent_number is None:
        raise Http404  # a forged parent is an unknown folder, never silently the root
    parent = folder_or_404(me, space, parent_number)
    form = FolderForm(request.POST)
    offer_folders(form, "parent", folder_choices(list(space.folders.all())))
    if form.is_valid():
        try:
            created = services.create_folder(actor=me, space=space, name=form.cleaned_data["name"],
                                             parent=parent)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Le dossier « %(name)s » est créé.")
                             % {"name": created.name})
            return done(request, folder_url(space, parent))
    return invalid(request, form, _browser(request, space, parent, folder_form=form,
                                            status=form.refusal_status))


def _folder_from_url(request: HttpRequest, slug: str, folder_id: int) -> tuple[Space, Folder]:
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    folder = folder_or_404(me, space, folder_id)
    assert folder is not None
    return space, folder


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_folder(request: HttpRequest, slug: str, folder_id: int) -> HttpResponse:
    """Rename and move in one form; both apply or neither does."""
    me: User = request.user  # type: ignore[assignment]
    space, folder = _folder_from_url(request, slug, folder_id)
    posting = request.method == "POST"
    form = FolderForm(request.POST if posting else None,
                      initial={"name": folder.name, "parent": folder.parent_id or ""})
    offer_folders(form, "parent", folder_choices(list(space.folders.all()), exclude=folder))
    if posting and form.is_valid():
        parent_id = form.cleaned_data["parent"]
        try:
            with transaction.atomic():
                services.rename_folder(actor=me, folder=folder, name=form.cleaned_data["name"])
                target = folder_or_404(me, space, int(parent_id) if parent_id else None)
                services.move_folder(actor=me, folder=folder, parent=target)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Le dossier est modifié."))
            return done(request, folder_url(space, folder))
    page = render(request, "frontend/documents/folder_edit.html",
                  {"space": space, "folder": folder, "path": folder_path(folder), "form": form},
                  status=form.refusal_status if posting else 200)
    return invalid(request, form, page) if posting else page


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_folder(request: HttpRequest, slug: str, folder_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space, folder = _folder_from_url(request, slug, folder_id)
    if request.method == "POST":
        try:
            services.delete_folder(actor=me, folder=folder)
        except ServiceError as error:
            return refused(request, error, space=space)
        messages.success(request, _("Le dossier « %(name)s » est supprimé.")
                         % {"name": folder.name})
        return done(request, folder_url(space, folder.parent_id))
    return render(request, "frontend/documents/confirm.html", {
        "space": space, "path": folder_path(folder), "title": _("Supprimer ce dossier ?"),
        "question": _("Le dossier « %(name)s » sera supprimé. Seul un dossier vide peut "
                      "l'être.") % {"name": folder.name},
        "button": _("Supprimer le dossier"), "cancel_url": folder_url(space, folder),
    })


# --- the trash -------------------------------------------------------------------------------
def _trash_rows(space: Space, user: User) -> list[dict[str, Any]]:
    powers = powers_of(user, space)
    documents = selectors.trash_contents(user=user, space=space)
    keep = timedelta(days=settings.DOCS_TRASH_DAYS)
    return [{"document": d, "purge_at": d.deleted_at + keep if d.deleted_at else None,
             "may_restore": powers.admin or powers.edits(user, d.uploader_id)}
            for d in documents]


@login_required
@require_http_methods(["GET", "HEAD"])
def trash(request: HttpRequest, slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    return render(request, "frontend/documents/trash.html", {
        "space": space, "rows": _trash_rows(space, me), "powers": powers_of(me, space),
        "trash_days": settings.DOCS_TRASH_DAYS,
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def empty_trash(request: HttpRequest, slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    if not services.is_space_admin(user=me, space=space):
        return refused(request, Forbidden("forbidden", _(
            "Seule l'administration de l'espace peut vider la corbeille.")), space=space)
    if request.method == "POST":
        try:
            purged = services.empty_trash(actor=me, space=space)
        except ServiceError as error:
            return refused(request, error, space=space)
        messages.success(request, _("La corbeille est vidée (%(n)s documents supprimés "
                                    "définitivement).") % {"n": purged})
        return done(request, reverse("documents-trash", args=[space.slug]))
    return render(request, "frontend/documents/confirm.html", {
        "space": space, "path": [], "title": _("Vider la corbeille ?"),
        "question": _("Tous les documents de la corbeille et toutes leurs versions seront "
                      "supprimés définitivement. Cette action est irréversible."),
        "button": _("Vider la corbeille"),
        "cancel_url": reverse("documents-trash", args=[space.slug]),
    })


# --- the space's rule ------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload_rule(request: HttpRequest, slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    if not powers_of(me, space).moderate:
        raise FacilitatorsOnly(space)
    posting = request.method == "POST"
    form = UploadRuleForm(request.POST if posting else None,
                          initial={"uploads_by": services.settings_for(space).uploads_by})
    if posting and form.is_valid():
        try:
            change_upload_rule(actor=me, space=space, uploads_by=form.cleaned_data["uploads_by"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Les réglages des documents sont enregistrés."))
            return done(request, reverse("documents", args=[space.slug]))
    return render(request, "frontend/documents/settings.html", {"space": space, "form": form,
                                                                 "path": []},
                  status=form.refusal_status if posting else 200)
