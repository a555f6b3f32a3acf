"""The home page, "Quoi de neuf": what is new across my spaces, and the one-tap meeting
answers it offers. Its upcoming meetings, polls awaiting me and new documents are each also
served alone, so the live page asks for one section again when an event of one of my spaces
may have changed it (live/home.js) instead of patching it from event payloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.errors import ServiceError
from communities.models import Membership, User
from frontend.shell import share_unread
from inbox import whats_new as sections
from meetings.models import Answer, Meeting
from meetings.services import rsvp


def _live_strings() -> dict[str, str]:
    return {
        "meetings_added": _("Nouvelle rencontre à venir : {title}"),
        "meetings_changed": _("Rencontre modifiée : {title}"),
        "meetings_removed": _("Rencontre retirée des rencontres à venir : {title}"),
        "polls_added": _("Nouveau sondage en attente de votre réponse : {title}"),
        "polls_removed": _("Sondage retiré de la liste : {title}"),
        "documents_added": _("Nouveau document : {title}"),
        "documents_changed": _("Document renommé : {title}"),
        "documents_removed": _("Document retiré de la liste : {title}"),
    }


@login_required
@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    news = sections.whats_new(me)
    share_unread(request, news.unread_per_space)
    return render(request, "frontend/my_spaces.html", {
        "news": news, "answers": Answer,
        "home_live": {"me": me.pk, "strings": _live_strings()},
    })


def _my_space_ids(me: User) -> QuerySet[Membership, int]:
    # A subquery, not a list: a section alone is one query, and it can only ever cover the
    # spaces I belong to at the moment it is read.
    return Membership.objects.filter(user=me).values_list("space_id", flat=True)


_SECTIONS: dict[str, tuple[str, Callable[[User], dict[str, Any]]]] = {
    "meetings": ("frontend/home/meetings.html", lambda me: {
        "meetings": sections.upcoming_meetings(me, _my_space_ids(me), now=timezone.now()),
        "answers": Answer}),
    "polls": ("frontend/home/polls.html", lambda me: {
        "polls": sections.polls_awaiting(me, _my_space_ids(me))}),
    "documents": ("frontend/home/documents.html", lambda me: {
        "documents": sections.new_documents(_my_space_ids(me), now=timezone.now())}),
}


def _section(request: HttpRequest, name: str, **extra: Any) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    template, read = _SECTIONS[name]
    response = render(request, template, {**read(me), **extra})
    add_never_cache_headers(response)  # what I may see changes with every event
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def section(request: HttpRequest, name: str) -> HttpResponse:
    """One section of the home page alone, as the page shows it."""
    return _section(request, name)


@login_required
@require_POST
def answer_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The home page's Oui / Non / Peut-être: the meetings service, then back home (or, asked
    by htmx, the meetings section again with what was said in it)."""
    me: User = request.user  # type: ignore[assignment]
    meeting = (Meeting.objects.select_related("space")
               .filter(pk=meeting_id, space__in=Membership.objects.filter(user=me)
                       .values("space_id")).first())
    if meeting is None:
        raise Http404(_("Cette rencontre n'existe pas ou ne vous est pas accessible."))
    level, said = messages.SUCCESS, ""
    try:
        given = rsvp.answer_meeting(actor=me, meeting=meeting,
                                    answer=request.POST.get("answer", ""))
    except ServiceError as error:
        level, said = messages.ERROR, str(error.message)
    else:
        if given.waitlisted_at is not None:
            level, said = messages.INFO, _("« %(title)s » est complète : vous êtes sur la "
                                           "liste d'attente.") % {"title": meeting.title}
        else:
            said = (_("Votre réponse à « %(title)s » est enregistrée : %(answer)s.")
                    % {"title": meeting.title, "answer": given.get_answer_display()})
    if getattr(request, "htmx", False):
        return _section(request, "meetings", notice={
            "text": said, "error": level == messages.ERROR, "meeting": meeting.pk})
    messages.add_message(request, level, said)
    return redirect(reverse("my-spaces") + f"#rencontre-{meeting.pk}")
