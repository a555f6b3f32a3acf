"""A space with its threads (unread counts, pinned first)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communities.access import may_manage, membership_of, remember_membership
from communities.errors import ServiceError
from communities.models import User
from communities.selectors import threads_for_member, unanswered_questions
from communities.services.announcements import post_announcement
from communities.services.discussion import start_thread
from frontend.forms import AnnouncementThreadForm, ThreadForm
from frontend.queries import mention_candidates, space_or_404
from frontend.views.committees import committee_links
from frontend.views.documents.common import done, invalid
from frontend.views.documents.compose import compose_context, new_files
from frontend.views.live import live_context
from frontend.views.open_polls import open_polls_context


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def space(request: HttpRequest, slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    current = space_or_404(me, slug)
    membership = membership_of(user=me, space=current)
    if membership is not None:
        # The committees beside the list ask for it again: read once per request.
        remember_membership(user=me, space=current, membership=membership)
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
        "space": current, "threads": threads_for_member(space=current, user=me),
        "form": form, "can_manage": can_manage,
        "mention_members": mention_candidates(current), **open_polls_context(current),
        **committee_links(user=me, space=current),
        "unanswered": list(unanswered_questions(current)[:5]) if can_manage else [],
    }, status=status)
    return invalid(request, form, page) if form.is_bound else page
