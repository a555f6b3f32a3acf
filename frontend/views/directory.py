"""The member directory, across all my spaces or within one, and a space's member list as
CSV for the people who run it. Filters are a plain GET form: a search is a link one can share
with another member (who sees only the people they may see)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from communities import directory
from communities.access import may_manage, membership_of
from communities.models import Space, User
from frontend.profile_forms import DirectoryForm
from frontend.queries import space_or_404
from reports.member_list import filename, members_csv


def _page(request: HttpRequest, space: Space | None) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    form = DirectoryForm(request.GET or None,
                         organisations=directory.organisations(viewer, space),
                         tags=directory.expertise_choices(viewer, space))
    filters = directory.Filters()
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            filters = directory.Filters(q=data["q"], region=data["region"], kind=data["kind"],
                                        organisation=data["organisation"],
                                        expertise=data["expertise"])
        else:
            status = 400
    people = directory.find_people(viewer, filters, space) if status == 200 else User.objects.none()
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    page = Paginator(people, directory.PAGE_SIZE).get_page(number)
    emails = directory.visible_emails(viewer, list(page.object_list))
    for person in page.object_list:
        person.visible_email = emails.get(person.pk, "")  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    can_manage = space is not None and may_manage(membership_of(user=viewer, space=space), viewer)
    return render(request, "frontend/profiles/directory.html", {
        "space": space, "form": form, "page": page, "filtered": filters.any,
        "query": query.urlencode(), "can_manage": can_manage,
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def directory_page(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@login_required
@require_http_methods(["GET", "HEAD"])
def space_directory(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, space_or_404(request.user, slug))  # type: ignore[arg-type]


@login_required
@require_http_methods(["GET", "HEAD"])
def members_export(request: HttpRequest, slug: str) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    space = space_or_404(viewer, slug)
    if not may_manage(membership_of(user=viewer, space=space), viewer):
        raise Http404
    response = HttpResponse(members_csv(space), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(space)}"'
    response["Cache-Control"] = "private, no-store"
    return response
