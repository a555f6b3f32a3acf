"""A space with its threads (unread counts, pinned first)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from communities.access import may_manage
from communities.errors import NotFound, ServiceError
from communities.models import Space, User
from communities.selectors import (
    threads_for_member,
    unanswered_questions,
    visible_space_with_membership,
)
from communities.services.announcements import post_announcement
from communities.services.discussion import start_thread
from frontend.forms import AnnouncementThreadForm, ThreadForm
from frontend.queries import mention_candidates
from frontend.views.committees import committee_links
from frontend.views.documents.common import done, invalid
from frontend.views.documents.compose import compose_context, new_files
from frontend.views.live import live_context
from frontend.views.open_polls import open_polls_context

#: Threads shown per page: rendering a row is most of the page's cost, so a space with years of
#: threads must not render them all; older ones are one plain link away.
THREADS_PER_PAGE = 30


def page_number(request: HttpRequest) -> int:
    """``?page=`` as a page number; anything else (absent, garbage, zero, huge) is page 1,
    which is where a member following a stale or mistyped link wants to land anyway."""
    raw = request.GET.get("page", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 and int(raw) >= 1 else 1


def threads_page(request: HttpRequest, space: Space, user: User) -> dict[str, object]:
    number = page_number(request)
    # One more than shown tells whether an older page exists, without counting the threads.
    rows = threads_for_member(space=space, user=user,
                              offset=(number - 1) * THREADS_PER_PAGE,
                              limit=THREADS_PER_PAGE + 1)
    threads = rows[:THREADS_PER_PAGE]
    for thread in threads:
        # The same msgids the template's {% blocktranslate %} used, made here: three of those
        # tags per row were a third of the cost of rendering a row.
        thread.unread_label = ngettext(  # type: ignore[attr-defined]
            "%(n)s non lu", "%(n)s non lus", thread.unread) % {"n": thread.unread}  # type: ignore[attr-defined]
        thread.count_label = ngettext(  # type: ignore[attr-defined]
            "%(n)s message", "%(n)s messages", thread.message_count) % {"n": thread.message_count}
        thread.by_label = _("par %(name)s") % {"name": thread.author.label}  # type: ignore[attr-defined]
    return {"threads": threads, "threads_page": number,
            "threads_start": (number - 1) * THREADS_PER_PAGE + 1,
            "older_page": number + 1 if len(rows) > THREADS_PER_PAGE else None,
            "newer_page": number - 1 if number > 1 else None}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def space(request: HttpRequest, slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    try:
        # Read once: the access check, the moderator check and the committees beside the
        # list all start from this membership.
        current, membership = visible_space_with_membership(user=me, slug=slug)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    can_manage = may_manage(membership, me)
    # The head is read before the list so live.js replays anything newer; duplicates are
    # recognised by id, gaps are impossible.
    context = live_context(current, user=me, moderator=can_manage)
    form_class = AnnouncementThreadForm if can_manage else ThreadForm
    form = form_class(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        post = (post_announcement if form.cleaned_data.get("announcement") else start_thread)
        try:
            # With the documents picked in the form and the file uploaded with it.
            extra = ({} if post is post_announcement
                     else {"is_question": form.cleaned_data.get("is_question", False)})
            posted = post(actor=me, space=current, title=form.cleaned_data["title"],
                          body=form.cleaned_data["body"],
                          attachments=request.POST.getlist("attachments"),
                          files=new_files(request), **extra)
        except ServiceError as error:
            refusal = error
            form.add_service_error(error)
        else:
            messages.success(request, _("Votre annonce est publiée ; elle part par courriel aux "
                                        "membres.") if post is post_announcement
                             else _("Votre fil de discussion est lancé."))
            return done(request, reverse("thread", args=[current.slug, posted.thread.pk]))
    status = 400 if form.is_bound else 200
    page = render(request, "frontend/space.html", {
        **context, **compose_context(request, current, moderator=can_manage, error=refusal),
        "space": current, **threads_page(request, current, me),
        "form": form, "can_manage": can_manage,
        "mention_members": mention_candidates(current), **open_polls_context(current),
        **committee_links(user=me, space=current),
        "unanswered": list(unanswered_questions(current)[:5]) if can_manage else [],
    }, status=status)
    return invalid(request, form, page) if form.is_bound else page
