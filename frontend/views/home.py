"""The home page, "Quoi de neuf": what is new across my spaces, and the one-tap meeting
answers it offers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.errors import ServiceError
from communities.models import Membership, User
from frontend.shell import share_unread
from inbox.whats_new import whats_new
from meetings.models import Answer, Meeting
from meetings.services import rsvp


@login_required
@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    news = whats_new(me)
    share_unread(request, news.unread_per_space)
    return render(request, "frontend/my_spaces.html", {"news": news, "answers": Answer})


@login_required
@require_POST
def answer_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The home page's Oui / Non / Peut-être: the meetings service, then back home."""
    me: User = request.user  # type: ignore[assignment]
    meeting = (Meeting.objects.select_related("space")
               .filter(pk=meeting_id, space__in=Membership.objects.filter(user=me)
                       .values("space_id")).first())
    if meeting is None:
        raise Http404(_("Cette rencontre n'existe pas ou ne vous est pas accessible."))
    try:
        given = rsvp.answer_meeting(actor=me, meeting=meeting,
                                    answer=request.POST.get("answer", ""))
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        if given.waitlisted_at is not None:
            messages.info(request, _("« %(title)s » est complète : vous êtes sur la liste "
                                     "d'attente.") % {"title": meeting.title})
        else:
            messages.success(request, _("Votre réponse à « %(title)s » est enregistrée : "
                                        "%(answer)s.")
                             % {"title": meeting.title, "answer": given.get_answer_display()})
    return redirect(reverse("my-spaces") + f"#rencontre-{meeting.pk}")
