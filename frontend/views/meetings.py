"""Meetings of a space: the list, one meeting (details, answers, attendance), and the forms
facilitators use to schedule, edit, cancel and record attendance. Every write goes through
meetings.services; refusals come back on the form with what was typed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.access import membership_of
from communities.errors import Forbidden, NotFound, ServiceError
from communities.models import Space, User
from communities.selectors import members_of
from docs_store.models import Document
from frontend.meeting_forms import (
    AttendanceForm,
    CancelForm,
    MeetingForm,
    ReminderForm,
    RsvpForm,
)
from frontend.queries import PLACEHOLDER_ID, space_or_404
from frontend.views.live import live_context
from frontend.views.open_polls import open_polls_context
from frontend.views.refusals import FacilitatorsOnly
from meetings import selectors
from meetings.access import may_answer, may_organise
from meetings.calendar import meeting_calendar
from meetings.models import Meeting
from meetings.services import attendance as attendance_services
from meetings.services import reminders, rsvp, scheduling
from meetings.services.attendance import attendance_data


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _meeting_or_404(user: User, space: Space, meeting_id: int) -> Meeting:
    try:
        return selectors.visible_meeting(user=user, space=space, meeting_id=meeting_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None


def meeting_strings() -> dict[str, str]:
    # Placeholders in braces are filled by meetings.js.
    return {
        "answered": _("{name} a répondu : {answer}"),
        "promoted": _("{name} obtient une place libérée"),
        "you_promoted": _("Une place s'est libérée : elle est à vous."),
        "answer_yes": _("oui"),
        "answer_no": _("non"),
        "answer_maybe": _("peut-être"),
        "answer_waiting": _("oui (liste d'attente)"),
        "scheduled": _("Nouvelle rencontre : « {title} »"),
        "updated_here": _("Cette rencontre vient d'être modifiée."),
        "cancelled_here": _("Cette rencontre vient d'être annulée."),
        "attendance_here": _("Les présences viennent d'être notées."),
        "when": _("{day}, de {start} à {end}"),
        "reload": _("Recharger la page"),
    }


def _live(space: Space, user: User, *, can_manage: bool,
          meeting: Meeting | None = None) -> dict[str, Any]:
    context = live_context(space, user=user, moderator=can_manage)
    context["live"]["meeting"] = meeting.pk if meeting else ""
    context["live"]["meeting_url"] = reverse("meeting", args=[space.slug, PLACEHOLDER_ID])
    context["meeting_strings"] = meeting_strings()
    return context


def _documents(space: Space) -> QuerySet[Document]:
    return Document.objects.filter(space=space, deleted_at__isnull=True).order_by("title")


def _refused(request: HttpRequest, space: Space, error: Forbidden) -> HttpResponse:
    return render(request, "frontend/refused.html", {"space": space, "error": error},
                  status=403)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meetings(request: HttpRequest, slug: str) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    can_manage = may_organise(membership_of(user=me, space=space), me)
    form = ReminderForm(request.POST if request.method == "POST" else None,
                        initial={"reminder_hours": reminders.reminder_hours_of(space)})
    if request.method == "POST" and form.is_valid():
        try:
            reminders.set_reminder_hours(actor=me, space=space,
                                         hours=form.cleaned_data["reminder_hours"])
        except Forbidden as error:
            return _refused(request, space, error)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Réglage des rappels enregistré."))
            return redirect("meetings", slug=space.slug)
    context = _live(space, me, can_manage=can_manage)
    return render(request, "frontend/meetings/list.html", {
        **context, "space": space, "can_manage": can_manage,
        "upcoming": selectors.upcoming_meetings(space),
        "past": selectors.past_meetings(space)[:50],
        "reminder_form": form if can_manage else None, **open_polls_context(space),
    }, status=400 if form.is_bound else 200)


def _meeting_form_page(request: HttpRequest, *, space: Space, meeting: Meeting | None,
                       form: MeetingForm, status: int = 200) -> HttpResponse:
    return render(request, "frontend/meetings/form.html",
                  {"space": space, "meeting": meeting, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    can_manage = may_organise(membership_of(user=me, space=space), me)
    if not can_manage:
        raise FacilitatorsOnly(space)
    documents = _documents(space)
    if request.method != "POST":
        return _meeting_form_page(request, space=space, meeting=None,
                                  form=MeetingForm(space_documents=documents))
    form = MeetingForm(request.POST, space_documents=documents)
    if form.is_valid():
        try:
            meeting = scheduling.schedule_meeting(actor=me, space=space,
                                                  **form.service_arguments())
        except Forbidden as error:
            return _refused(request, space, error)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Rencontre planifiée : les membres reçoivent "
                                        "l'invitation par courriel."))
            return redirect("meeting", slug=space.slug, meeting_id=meeting.pk)
    return _meeting_form_page(request, space=space, meeting=None, form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    meeting = _meeting_or_404(me, space, meeting_id)
    can_manage = may_organise(membership_of(user=me, space=space), me)
    if not can_manage:
        raise FacilitatorsOnly(space)
    documents = _documents(space)
    if request.method != "POST":
        return _meeting_form_page(request, space=space, meeting=meeting, form=MeetingForm(
            initial=MeetingForm.initial_for(meeting), space_documents=documents))
    form = MeetingForm(request.POST, space_documents=documents)
    if form.is_valid():
        try:
            arguments = form.service_arguments()
            if "documents" not in form.fields:
                del arguments["document_ids"]
            scheduling.update_meeting(actor=me, meeting=meeting, **arguments)
        except Forbidden as error:
            return _refused(request, space, error)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Rencontre modifiée : les membres en sont avisés."))
            return redirect("meeting", slug=space.slug, meeting_id=meeting.pk)
    return _meeting_form_page(request, space=space, meeting=meeting, form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    meeting = _meeting_or_404(me, space, meeting_id)
    if not may_organise(membership_of(user=me, space=space), me):
        raise FacilitatorsOnly(space)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.cancel_meeting(actor=me, meeting=meeting, note=form.cleaned_data["note"])
        except Forbidden as error:
            return _refused(request, space, error)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Rencontre annulée : les membres en sont avisés."))
            return redirect("meeting", slug=space.slug, meeting_id=meeting.pk)
    return render(request, "frontend/meetings/cancel.html",
                  {"space": space, "meeting": meeting, "form": form},
                  status=400 if form.is_bound else 200)


def _meeting_page(request: HttpRequest, *, space: Space, meeting: Meeting,
                  rsvp_form: RsvpForm | None = None, status: int = 200) -> HttpResponse:
    me = _me(request)
    membership = membership_of(user=me, space=space)
    can_manage = may_organise(membership, me)
    view = selectors.rsvp_view(meeting=meeting, user=me)
    context = _live(space, me, can_manage=can_manage, meeting=meeting)
    return render(request, "frontend/meetings/detail.html", {
        **context, "space": space, "meeting": meeting, "can_manage": can_manage,
        "rsvps": view, "is_member": may_answer(membership, me),
        "rsvp_form": rsvp_form or RsvpForm(initial={"answer": view.mine.answer}
                                           if view.mine else None),
        "attendance": attendance_data(meeting) if meeting.attendance_recorded_at else None,
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def meeting(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    return _meeting_page(request, space=space, meeting=_meeting_or_404(me, space, meeting_id))


@login_required
@require_POST
def answer(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    current = _meeting_or_404(me, space, meeting_id)
    form = RsvpForm(request.POST)
    if form.is_valid():
        try:
            given = rsvp.answer_meeting(actor=me, meeting=current,
                                        answer=form.cleaned_data["answer"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            if given.waitlisted_at is not None:
                messages.info(request, _("La rencontre est complète : vous êtes sur la liste "
                                         "d'attente et recevrez un courriel si une place se "
                                         "libère."))
            else:
                messages.success(request, _("Votre réponse est enregistrée."))
            return redirect("meeting", slug=space.slug, meeting_id=current.pk)
    return _meeting_page(request, space=space, meeting=current, rsvp_form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD"])
def download_ics(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    current = _meeting_or_404(me, space, meeting_id)
    body = meeting_calendar(current).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    name = slugify(current.title)[:60] or "rencontre"
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendance(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    current = _meeting_or_404(me, space, meeting_id)
    can_manage = may_organise(membership_of(user=me, space=space), me)
    if not can_manage:
        raise FacilitatorsOnly(space)
    members = [m.user for m in members_of(space)]
    attendances = list(current.attendances.select_related("user"))
    recorded = {a.user_id: a.presence for a in attendances}
    # Someone recorded as present who has left the space since stays on the form, so that
    # correcting the list later does not erase them.
    present_ids = {user.pk for user in members}
    members += [a.user for a in attendances if a.user_id not in present_ids]
    initial: dict[str, Any] = {f"member_{uid}": presence for uid, presence in recorded.items()}
    initial.update(guests=current.guests, minutes=current.minutes,
                   minutes_document=current.minutes_document_id)
    form = AttendanceForm(request.POST if request.method == "POST" else None,
                          initial=initial, members=members,
                          space_documents=_documents(space))
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["minutes_document"]
        try:
            attendance_services.record_attendance(
                actor=me, meeting=current, attendees=form.attendees(),
                guests=form.cleaned_data["guests"] or 0, minutes=form.cleaned_data["minutes"],
                minutes_document_id=document.pk if document else None)
        except Forbidden as error:
            return _refused(request, space, error)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Présences et compte rendu enregistrés."))
            return redirect("meeting", slug=space.slug, meeting_id=current.pk)
    return render(request, "frontend/meetings/attendance.html",
                  {"space": space, "meeting": current, "form": form},
                  status=400 if form.is_bound else 200)
