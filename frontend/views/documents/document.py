"""One document: upload, its page with the version history, new versions, restoring an old
one, rename and move, trash and back, download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.errors import NotFound, ServiceError
from communities.ids import parse_id
from communities.models import User
from docs_store import services
from docs_store.access import may_edit, not_an_editor
from docs_store.downloads import download_response
from docs_store.models import Document
from frontend.document_forms import (
    DocumentEditForm,
    UploadForm,
    VersionForm,
    folder_choices,
    offer_folders,
)
from frontend.queries import space_or_404
from frontend.views.documents.common import (
    document_or_404,
    document_url,
    done,
    folder_or_404,
    folder_path,
    folder_url,
    invalid,
    powers_of,
)
from frontend.views.refusals import refused


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    """The plain form (no JavaScript needed); upload.js posts the same form with a progress
    bar. A refusal shows the form again with the title and description typed."""
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    posting = request.method == "POST"
    initial_folder = request.GET.get("dossier", "")
    form = UploadForm(request.POST if posting else None, request.FILES if posting else None,
                      initial={"folder": initial_folder if initial_folder.isdigit() else None})
    folder = None
    if posting and form.is_valid():
        folder = folder_or_404(me, space, form.cleaned_data["folder"])
        file = form.cleaned_data["file"]
        try:
            document = services.upload_document(
                actor=me, space=space, file=file, file_name=file.name or "",
                title=form.cleaned_data["title"], description=form.cleaned_data["description"],
                folder=folder)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("« %(title)s » est déposé.") % {"title": document.title})
            return done(request, folder_url(space, folder))
    elif form.is_bound:
        folder_id = str(form.data.get("folder", ""))
        folder_number = parse_id(folder_id)
        if folder_id and folder_number is None:
            raise Http404  # a forged folder is an unknown folder, never silently the root
        folder = folder_or_404(me, space, folder_number)
    page = render(request, "frontend/documents/upload.html", {
        "space": space, "form": form, "path": folder_path(folder), "folder": folder,
        "powers": powers_of(me, space),
    }, status=form.refusal_status if posting else 200)
    return invalid(request, form, page) if posting else page


def _document_page(request: HttpRequest, document: Document, *,
                   version_form: VersionForm | None = None, status: int = 200) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    powers = powers_of(me, document.space)
    versions = list(document.versions.select_related("uploaded_by").order_by("-number"))
    return render(request, "frontend/documents/document.html", {
        "space": document.space, "document": document, "versions": versions,
        "current": document.current_version, "path": folder_path(document.folder),
        "may_edit": powers.edits(me, document.uploader_id) and document.deleted_at is None,
        "may_restore": document.deleted_at is not None and (
            powers.admin or powers.edits(me, document.uploader_id)),
        "version_form": version_form or VersionForm(),
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def detail(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    return _document_page(request, document_or_404(request.user, slug,  # type: ignore[arg-type]
                                                   document_id))


@login_required
@require_http_methods(["GET", "HEAD"])
def download(request: HttpRequest, slug: str, document_id: int) -> HttpResponseBase:
    """Permission checked on every download, as in the API (docs_store.downloads)."""
    me: User = request.user  # type: ignore[assignment]
    document_or_404(me, slug, document_id)
    raw = request.GET.get("version", "")
    number = parse_id(raw)
    if raw and number is None:
        raise Http404
    try:
        return download_response(user=me, document_id=document_id, number=number)
    except NotFound as error:
        raise Http404(str(error.message)) from None


@login_required
@require_POST
def new_version(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    document = document_or_404(me, slug, document_id)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        file = form.cleaned_data["file"]
        try:
            version = services.add_version(actor=me, document=document, file=file,
                                           file_name=file.name or "")
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("La version %(n)s est déposée.") % {"n": version.number})
            return done(request, document_url(document))
    return invalid(request, form, _document_page(request, document, version_form=form,
                                                 status=form.refusal_status))


@login_required
@require_POST
def restore_version(request: HttpRequest, slug: str, document_id: int,
                    number: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    document = document_or_404(me, slug, document_id)
    try:
        services.restore_version(actor=me, document=document, number=number)
    except ServiceError as error:
        return refused(request, error, space=document.space)
    messages.success(request, _("La version %(n)s est de nouveau la version courante.")
                     % {"n": number})
    return done(request, document_url(document))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    """Rename, describe and move in one form; all apply or none does."""
    me: User = request.user  # type: ignore[assignment]
    document = document_or_404(me, slug, document_id)
    space = document.space
    if not may_edit(user=me, document=document):
        # Nothing to fill in that could only be refused on saving.
        return refused(request, not_an_editor(), space=space)
    posting = request.method == "POST"
    form = DocumentEditForm(request.POST if posting else None,
                            initial={"title": document.title, "folder": document.folder_id or "",
                                     "description": document.description})
    offer_folders(form, "folder", folder_choices(list(space.folders.all())))
    if posting and form.is_valid():
        folder_id = form.cleaned_data["folder"]
        try:
            with transaction.atomic():
                services.rename_document(actor=me, document=document,
                                         title=form.cleaned_data["title"])
                services.describe_document(actor=me, document=document,
                                           description=form.cleaned_data["description"])
                target = folder_or_404(me, space, int(folder_id) if folder_id else None)
                services.move_document(actor=me, document=document, folder=target)
        except ServiceError as error:
            document.refresh_from_db()
            form.add_service_error(error)
        else:
            messages.success(request, _("Le document est modifié."))
            return done(request, document_url(document))
    return render(request, "frontend/documents/document_edit.html", {
        "space": space, "document": document, "path": folder_path(document.folder),
        "form": form,
    }, status=form.refusal_status if posting else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    document = document_or_404(me, slug, document_id)
    if not may_edit(user=me, document=document):
        return refused(request, not_an_editor(), space=document.space)
    if request.method == "POST":
        try:
            services.delete_document(actor=me, document=document)
        except ServiceError as error:
            return refused(request, error, space=document.space)
        messages.success(request, _("« %(title)s » est dans la corbeille.")
                         % {"title": document.title})
        return done(request, folder_url(document.space, document.folder_id))
    return render(request, "frontend/documents/confirm.html", {
        "space": document.space, "path": folder_path(document.folder),
        "title": _("Mettre ce document à la corbeille ?"),
        "question": _("« %(title)s » ira dans la corbeille de l'espace, d'où il pourra être "
                      "restauré pendant %(days)s jours.") % {
            "title": document.title, "days": settings.DOCS_TRASH_DAYS},
        "button": _("Mettre à la corbeille"), "cancel_url": document_url(document),
    })


@login_required
@require_POST
def restore(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    document = document_or_404(me, slug, document_id)
    try:
        services.restore_document(actor=me, document=document)
    except ServiceError as error:
        return refused(request, error, space=document.space)
    messages.success(request, _("« %(title)s » est restauré.") % {"title": document.title})
    return done(request, document_url(document))
