"""Date poll pages: the list, proposing slots, answering (a table of radio groups that works
without JavaScript), live results, the one reminder, and picking the slot."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from communities.access import membership_of
from communities.errors import NotFound, ServiceError
from communities.ids import parse_id
from communities.models import Space, User
from frontend.forms import ServiceForm
from frontend.poll_forms import SLOT_ROWS, PollForm, read_answers, slot_formset, vote_field_name
from frontend.queries import PLACEHOLDER_ID, space_or_404
from frontend.views.refusals import FacilitatorsOnly, refused
from meetings.access import may_answer, may_organise
from meetings.models.polls import DatePoll, PollAnswer
from meetings.polls.selectors import not_answered, poll_results, polls_of, visible_poll
from meetings.services import polls as services
from meetings.services.polls import MAX_SLOTS


def _organiser_space_or_404(user: User, slug: str) -> Space:
    space = space_or_404(user, slug)
    if not may_organise(membership_of(user=user, space=space), user):
        raise FacilitatorsOnly(space)
    return space


def poll_or_404(space: Space, poll_id: int) -> DatePoll:
    try:
        return visible_poll(space=space, poll_id=poll_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None


def meeting_url(space_slug: str, meeting_id: int) -> str:
    return reverse("meeting", args=[space_slug, meeting_id])


def poll_url(poll: DatePoll) -> str:
    return reverse("poll", args=[poll.space.slug, poll.pk])


@login_required
@require_http_methods(["GET", "HEAD"])
def poll_list(request: HttpRequest, slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    polls = list(polls_of(space))
    return render(request, "frontend/polls/list.html", {
        "space": space, "open_polls": [p for p in polls if not p.is_closed],
        "closed_polls": [p for p in polls if p.is_closed],
        "can_manage": may_organise(membership_of(user=me, space=space), me),
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def poll_create(request: HttpRequest, slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = _organiser_space_or_404(me, slug)
    if request.method != "POST":
        return _render_create(request, space, PollForm(), slot_formset())
    form = PollForm(request.POST)
    slots = slot_formset(request.POST)
    if "more" in request.POST:
        # Without JavaScript, "add slots" is a round trip that keeps what was typed.
        data = request.POST.copy()
        total = min(MAX_SLOTS, slots.total_form_count() + SLOT_ROWS)
        data["slots-TOTAL_FORMS"] = str(total)
        return _render_create(request, space, PollForm(data), slot_formset(data), status=200)
    if form.is_valid() and slots.is_valid():
        proposed = [slot for slot in (f.slot() for f in slots.forms) if slot is not None]
        try:
            poll = services.open_poll(
                actor=me, space=space, title=form.cleaned_data["title"],
                agenda=form.cleaned_data["agenda"], mode=form.cleaned_data["mode"],
                address=form.cleaned_data["address"], video_url=form.cleaned_data["video_url"],
                slots=proposed, notify_members=form.cleaned_data["notify_members"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Le sondage est ouvert : les membres peuvent "
                                        "répondre."))
            return redirect(poll_url(poll))
    return _render_create(request, space, form, slots, status=400)


def _render_create(request: HttpRequest, space: Space, form: PollForm, slots: Any, *,
                   status: int = 200) -> HttpResponse:
    return render(request, "frontend/polls/create.html", {
        "space": space, "form": form, "slots": slots,
        "can_add": slots.total_form_count() < MAX_SLOTS, "max_slots": MAX_SLOTS,
        "can_manage": True,
    }, status=status)


class VoteForm(ServiceForm):
    """Carries the service's refusal; the radio groups are drawn by the template."""


def _live_config(space: Space, poll_id: int, user: User) -> dict[str, Any]:
    return {"space": space.slug, "after": space.event_head, "poll": poll_id, "me": user.pk,
            # The script swaps the placeholder for the id of the meeting the poll became.
            "meeting_url": meeting_url(space.slug, PLACEHOLDER_ID)}


def _poll_strings() -> dict[str, str]:
    return {
        "connected": _("Résultats en direct."),
        "reconnecting": _("Connexion perdue : nouvelle tentative…"),
        "voted": _("{name} a répondu au sondage."),
        "closed": _("Le sondage est fermé : la date est retenue."),
        "closed_badge": _("fermé"),
        "closed_without_date": _("Ce sondage est fermé sans date retenue."),
        "see_meeting": _("Voir la rencontre"),
        "yes": _("oui"), "if_needed": _("si nécessaire"), "no": _("non"),
        "resync": _("Rechargez la page pour voir les derniers résultats."),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def poll_detail(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    # Read before the results, so the page's script replays anything newer from the log.
    live = _live_config(space, poll_id, me)
    poll = poll_or_404(space, poll_id)
    form = VoteForm(request.POST if request.method == "POST" else None)
    submitted: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        slots = list(poll.slots.all())
        submitted = read_answers(request.POST, slots)
        try:
            services.vote(actor=me, poll=poll, answers=submitted)
        except ServiceError as error:
            form.add_service_error(error)
            status = error.status if error.status != 404 else 400
            poll = poll_or_404(space, poll_id)
        else:
            messages.success(request, _("Vos réponses sont enregistrées. Vous pouvez les "
                                        "changer tant que le sondage est ouvert."))
            return redirect(poll_url(poll))
    results = poll_results(poll, viewer=me)
    membership = membership_of(user=me, space=space)
    can_manage = may_organise(membership, me)
    # What the person just typed wins over what is stored, so a refusal loses nothing.
    chosen = {**results.mine, **submitted}
    grid = [{"result": result, "name": vote_field_name(result.slot),
             "chosen": chosen.get(result.slot.pk, "")} for result in results.slots]
    return render(request, "frontend/polls/detail.html", {
        "space": space, "poll": poll, "results": results, "grid": grid, "form": form,
        "answers": PollAnswer.choices, "can_manage": can_manage,
        "has_answered": bool(results.mine),
        "may_answer": may_answer(membership, me),
        "not_answered": not_answered(poll, besides=me) if can_manage else [],
        "poll_live": live, "poll_strings": _poll_strings(),
        "meeting_link": meeting_url(space.slug, poll.meeting_id) if poll.meeting_id else "",
    }, status=status)


@login_required
@require_POST
def poll_remind(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = _organiser_space_or_404(me, slug)
    poll = poll_or_404(space, poll_id)
    try:
        reminded = services.remind_non_respondents(actor=me, poll=poll)
    except ServiceError as error:
        return refused(request, error, space=space)
    messages.success(request, ngettext(
        "Rappel envoyé à %(n)d personne qui n'avait pas répondu.",
        "Rappel envoyé à %(n)d personnes qui n'avaient pas répondu.", len(reminded),
    ) % {"n": len(reminded)})
    return redirect(poll_url(poll))


class PickForm(ServiceForm):
    error_fields = {"unknown_slot": "slot"}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def poll_pick(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = _organiser_space_or_404(me, slug)
    poll = poll_or_404(space, poll_id)
    form = PickForm(request.POST if request.method == "POST" else None)
    results = poll_results(poll, viewer=me)
    raw = request.POST.get("slot", "") if request.method == "POST" else ""
    given = parse_id(raw)
    selected = given if request.method == "POST" else results.best_slot_id
    status = 200
    if request.method == "POST":
        try:
            if given is None:
                raise ServiceError("no_slot", _("Choisissez le créneau retenu."))
            meeting = services.pick_slot(actor=me, poll=poll, slot_id=given)
        except ServiceError as error:
            form.add_service_error(error)
            status = error.status if error.status != 404 else 400
        else:
            messages.success(request, _("La rencontre est planifiée et les invitations sont "
                                        "envoyées aux personnes qui ont répondu."))
            return redirect(meeting_url(space.slug, meeting.pk))
    return render(request, "frontend/polls/pick.html", {
        "space": space, "poll": poll, "results": results, "form": form,
        "selected": selected, "invitees": len(results.respondents), "can_manage": True,
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def poll_close(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Close without a date, after a confirmation page (it cannot be undone)."""
    me: User = request.user  # type: ignore[assignment]
    space = _organiser_space_or_404(me, slug)
    poll = poll_or_404(space, poll_id)
    form = ServiceForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            services.close_without_date(actor=me, poll=poll)
        except ServiceError as error:
            form.add_service_error(error)
            status = error.status
        else:
            messages.success(request, _("Le sondage est fermé sans date retenue. Aucune "
                                        "invitation n'a été envoyée."))
            return redirect(poll_url(poll))
    return render(request, "frontend/polls/close.html", {
        "space": space, "poll": poll, "form": form, "can_manage": True,
        "title": _("Fermer le sondage sans retenir de date"),
        "question": _("Les membres ne pourront plus répondre et aucune rencontre ne sera "
                      "planifiée. Fermer « %(title)s » ?") % {"title": poll.title},
        "button": _("Fermer le sondage"), "cancel_url": poll_url(poll),
    }, status=status)
