"""The search page: thread titles and messages of the spaces I belong to, and their documents
(title, description, extracted text). The first page shows the best few documents beside the
messages; ``?type=documents`` lists every matching document, page by page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from communities import directory
from communities import search as search_index
from communities.errors import ServiceError
from communities.models import Space, User
from communities.selectors import spaces_of
from docs_store.search import search_documents
from frontend.queries import space_or_404

#: How many documents the first page of results shows above the messages.
DOCUMENTS_BESIDE_MESSAGES = 5


@login_required
@require_http_methods(["GET", "HEAD"])
def search(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    q = request.GET.get("q")
    slug = request.GET.get("space") or ""
    scope: Space | None = space_or_404(user, slug) if slug else None
    try:
        page = int(request.GET.get("page") or 1)
    except ValueError:
        page = 1
    only_documents = request.GET.get("type") == "documents"
    found = documents = None
    people: list[User] = []
    error = None
    status = 200
    if q is not None:  # the form was sent, even empty
        try:
            if only_documents:
                documents = search_documents(user=user, q=q, space=scope, page=page)
            else:
                found = search_index.search(user=user, q=q, space=scope, page=page)
                if page == 1:
                    people = directory.search_people(user, q, space=scope)
                    documents = search_documents(user=user, q=q, space=scope,
                                                 page_size=DOCUMENTS_BESIDE_MESSAGES)
        except ServiceError as refusal:
            error = refusal.message
            status = 400
    return render(request, "frontend/search.html", {
        "q": q or "", "scope": scope, "found": found, "documents": documents,
        "only_documents": only_documents, "error": error, "people": people,
        "memberships": spaces_of(user),
    }, status=status)
