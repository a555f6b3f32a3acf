"""The upload forms' direct path when documents live in S3: upload.js asks here for a
presigned POST, sends the file straight to the bucket, then asks here to finish, so a large
file never crosses the app. Thin session-and-CSRF pages over docs_store.direct_uploads (the
API's endpoints take bearer tokens only); the plain forms stay the path without S3 or
without JavaScript. Every answer is JSON in upload.js's shape: {redirect} or {message,
errors}."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.errors import ServiceError
from communities.ids import parse_id
from communities.models import User
from docs_store import direct_uploads
from frontend.document_forms import UploadForm, VersionForm
from frontend.queries import space_or_404
from frontend.views.documents.common import (
    document_or_404,
    document_url,
    folder_or_404,
    folder_url,
)


def _refusal(error: ServiceError, fields: Mapping[str, str]) -> JsonResponse:
    """A service's refusal, beside the form field it is about, as the plain form shows it."""
    message = str(error.message)
    return JsonResponse({"message": message,
                         "errors": {fields.get(error.code, "__all__"): [message]}},
                        status=error.status)


def _declared(request: HttpRequest) -> tuple[str, int]:
    """The chosen file's name and size, as the browser reports them."""
    size = parse_id(request.POST.get("size", ""))
    if size is None:
        raise ServiceError("empty_file", _("Ce fichier est vide."))
    return request.POST.get("file_name", ""), size


def _offer(offer: direct_uploads.Offer, slug: str) -> JsonResponse:
    pending = offer.pending.pk
    return JsonResponse({
        "url": offer.url, "fields": offer.fields,
        "finish": reverse("document-direct-finish", args=[slug, pending]),
        "abandon": reverse("document-direct-abandon", args=[slug, pending]),
    }, status=201)


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """The upload form's fields (the file left out), its name and size: an offer."""
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    raw_folder = request.POST.get("folder", "")
    folder_id = parse_id(raw_folder)
    if raw_folder and folder_id is None:
        raise Http404  # a forged folder is an unknown folder, never silently the root
    folder = folder_or_404(me, space, folder_id)
    try:
        file_name, size = _declared(request)
        offer = direct_uploads.start_direct_upload(
            actor=me, space=space, file_name=file_name, size=size,
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""), folder=folder)
    except ServiceError as error:
        return _refusal(error, UploadForm.error_fields)
    return _offer(offer, slug)


@login_required
@require_POST
def start_version(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    document = document_or_404(me, slug, document_id)
    try:
        file_name, size = _declared(request)
        offer = direct_uploads.start_direct_upload(
            actor=me, space=document.space, file_name=file_name, size=size, document=document)
    except ServiceError as error:
        return _refusal(error, VersionForm.error_fields)
    return _offer(offer, slug)


@login_required
@require_POST
def finish(request: HttpRequest, slug: str, upload_id: int) -> HttpResponse:
    """The file is in the bucket: checked, then the document (or version) appears, and the
    page goes where the plain form would have sent it."""
    me: User = request.user  # type: ignore[assignment]
    space_or_404(me, slug)
    try:
        document = direct_uploads.finish_direct_upload(actor=me, pending_id=upload_id)
    except ServiceError as error:
        return _refusal(error, UploadForm.error_fields)
    number = document.current_version.number if document.current_version else 1
    if number == 1:  # a new document (a new version is always number 2 or more)
        messages.success(request, _("« %(title)s » est déposé.") % {"title": document.title})
        return JsonResponse({"redirect": folder_url(document.space, document.folder_id)})
    messages.success(request, _("La version %(n)s est déposée.") % {"n": number})
    return JsonResponse({"redirect": document_url(document)})


@login_required
@require_POST
def abandon(request: HttpRequest, slug: str, upload_id: int) -> HttpResponse:
    """The file never reached the bucket (or the person gave up): the reserved room returns."""
    me: User = request.user  # type: ignore[assignment]
    space_or_404(me, slug)
    try:
        direct_uploads.abandon_direct_upload(actor=me, pending_id=upload_id)
    except ServiceError as error:
        return _refusal(error, {})
    return HttpResponse(status=204)
