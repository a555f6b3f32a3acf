"""What every document page needs: the space, folder or document of the URL (or the 404 an
unknown one gets), who may do what, and answers that suit both a plain form and upload.js."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from communities.access import may_manage, membership_of
from communities.errors import NotFound
from communities.models import Space, User
from docs_store import selectors
from docs_store.access import is_space_admin, may_upload
from docs_store.models import Document, Folder
from frontend.forms import ServiceForm
from frontend.views.refusals import wants_json


def document_or_404(user: User, slug: str, document_id: int) -> Document:
    try:
        document = selectors.visible_document(user=user, document_id=document_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    # Only under its own space, so forged URLs do not alias it.
    if document.space.slug != slug:
        raise Http404
    return document


def folder_or_404(user: User, space: Space, folder_id: int | None) -> Folder | None:
    try:
        return selectors.visible_folder(user=user, space=space, folder_id=folder_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None


def folder_path(folder: Folder | None) -> list[Folder]:
    """From the root down to ``folder``, for breadcrumbs; one query per level (folder trees
    of a community are a few levels deep)."""
    path: list[Folder] = []
    while folder is not None:
        path.insert(0, folder)
        folder = folder.parent
    return path


def folder_url(space: Space, folder: Folder | int | None) -> str:
    folder_id = folder.pk if isinstance(folder, Folder) else folder
    if folder_id:
        return reverse("documents-folder", args=[space.slug, folder_id])
    return reverse("documents", args=[space.slug])


def document_url(document: Document) -> str:
    return reverse("document", args=[document.space.slug, document.pk])


@dataclass(frozen=True)
class Powers:
    """What one person may do with the documents of one space (the services decide each
    action again; this only chooses which controls to show)."""

    upload: bool
    moderate: bool
    admin: bool

    def edits(self, user: User, owner_id: int | None) -> bool:
        return self.moderate or (self.upload and owner_id == user.pk)


def powers_of(user: User, space: Space) -> Powers:
    moderate = may_manage(membership_of(user=user, space=space), user)
    return Powers(upload=may_upload(user=user, space=space), moderate=moderate,
                  admin=is_space_admin(user=user, space=space))


def done(request: HttpRequest, url: str) -> HttpResponse:
    """Post/Redirect/Get; upload.js gets the address to go to instead of a redirect it
    could not tell from a page."""
    if wants_json(request):
        return JsonResponse({"redirect": url})
    return redirect(url)


def invalid(request: HttpRequest, form: ServiceForm, page: HttpResponse) -> HttpResponse:
    """A refused form: the page again with the errors (what was typed is kept), or, for
    upload.js, the errors alone so the page it has stays as it is."""
    if wants_json(request):
        errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
        first = next(iter(errors.values()), [""])[0]
        return JsonResponse({"message": first, "errors": errors}, status=page.status_code)
    return page
