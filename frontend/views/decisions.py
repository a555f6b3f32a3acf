"""Decisions and action items: the space's register (filters, CSV), and the forms that record
them from a meeting or a thread. The forms sit on the meeting and thread pages (through the
``decisions_panel`` tag); a refusal comes back on this module's own page, with what was typed.
Every write goes through decisions.services.

A recorded decision or action is edited in place on the register (htmx swaps its row for
its form and back) and, without JavaScript, on a form page of its own that sends back where
the person came from."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.access import membership_of
from communities.errors import Forbidden, NotFound, ServiceError
from communities.ids import parse_id
from communities.models import Membership, Space, Thread, User
from communities.selectors import members_of
from decisions import access, selectors
from decisions.export import register_csv
from decisions.models import ActionItem, Decision
from decisions.services import records
from decisions.services.validation import today
from frontend.decision_forms import ActionForm, DecisionForm, RegisterFilterForm, StatusForm
from frontend.queries import space_or_404
from frontend.views.refusals import refused
from meetings.models import Meeting


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _members(space: Space) -> list[User]:
    return [m.user for m in members_of(space).filter(user__is_active=True)]


def _source(request: HttpRequest, space: Space) -> tuple[Meeting | None, Thread | None]:
    """The meeting or thread named by ``meeting`` / ``thread`` in the query or the form."""
    values = request.POST if request.method == "POST" else request.GET
    meeting_id = parse_id(values.get("meeting", ""))
    thread_id = parse_id(values.get("thread", ""))
    if (meeting_id is None) == (thread_id is None):
        raise Http404(_("Une décision ou un suivi vient d'une rencontre ou d'un fil."))
    try:
        return selectors.source_in(space=space, meeting_id=meeting_id, thread_id=thread_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None


def _source_url(space: Space, meeting: Meeting | None, thread: Thread | None) -> str:
    if meeting is not None:
        return reverse("meeting", args=[space.slug, meeting.pk])
    assert thread is not None
    return reverse("thread", args=[space.slug, thread.pk])


def _refusal(space: Space, me: User, meeting: Meeting | None) -> ServiceError | None:
    """Why ``me`` may not record here (the service's own words), before showing a form."""
    try:
        access.require_recorder(actor=me, space=space, from_meeting=meeting is not None)
    except ServiceError as error:
        return error
    return None


def _form_page(request: HttpRequest, *, space: Space, kind: str, form: Any,
               meeting: Meeting | None, thread: Thread | None, status: int = 200
               ) -> HttpResponse:
    return render(request, "frontend/decisions/record.html", {
        "space": space, "kind": kind, "form": form, "source_meeting": meeting,
        "source_thread": thread, "source_url": _source_url(space, meeting, thread),
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record_decision(request: HttpRequest, slug: str) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    meeting, thread = _source(request, space)
    refusal = _refusal(space, me, meeting)
    if refusal is not None:
        return refused(request, refusal, space=space, thread=thread)
    if request.method != "POST":
        form = DecisionForm(initial={"decided_on": today()})
        return _form_page(request, space=space, kind="decision", form=form, meeting=meeting,
                          thread=thread)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            records.record_decision(actor=me, space=space, text=form.cleaned_data["text"],
                                    decided_on=form.cleaned_data["decided_on"],
                                    meeting=meeting, thread=thread)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("La décision est consignée."))
            return HttpResponseRedirect(_source_url(space, meeting, thread) + "#decisions")
    return _form_page(request, space=space, kind="decision", form=form, meeting=meeting,
                      thread=thread, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create_action(request: HttpRequest, slug: str) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    meeting, thread = _source(request, space)
    refusal = _refusal(space, me, meeting)
    if refusal is not None:
        return refused(request, refusal, space=space, thread=thread)
    members = _members(space)
    if request.method != "POST":
        form = ActionForm(members=members)
        return _form_page(request, space=space, kind="action", form=form, meeting=meeting,
                          thread=thread)
    form = ActionForm(request.POST, members=members)
    if form.is_valid():
        try:
            records.create_action(actor=me, space=space, what=form.cleaned_data["what"],
                                  assignee_ids=form.cleaned_data["assignees"],
                                  due_on=form.cleaned_data["due_on"], meeting=meeting,
                                  thread=thread)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("L'action est ajoutée aux suivis."))
            return HttpResponseRedirect(_source_url(space, meeting, thread) + "#decisions")
    return _form_page(request, space=space, kind="action", form=form, meeting=meeting,
                      thread=thread, status=400)


def _back(request: HttpRequest, space: Space) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("decisions:register", args=[space.slug])
    return HttpResponseRedirect(target)


@login_required
@require_POST
def action_status(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    action = selectors.action_in(space=space, action_id=action_id)
    if action is None:
        raise Http404
    form = StatusForm(request.POST)
    if not form.is_valid():
        error = ServiceError("invalid_status", _("État inconnu : choisissez « à faire », "
                                                 "« en cours » ou « fait »."))
    else:
        try:
            action = records.change_action_status(actor=me, action=action,
                                                  status=form.cleaned_data["status"])
        except ServiceError as refusal:
            error = refusal
        else:
            said = _("L'état de l'action est enregistré.")
            if _partial(request):
                return _row(request, me=me, space=space, kind="action", record=action,
                            said=said)
            messages.success(request, said)
            return _back(request, space)
    if _partial(request):
        return _row(request, me=me, space=space, kind="action", record=action,
                    error=str(error.message), status=error.status)
    messages.error(request, str(error.message))
    return _back(request, space)


@login_required
@require_POST
def delete_record(request: HttpRequest, slug: str, kind: str, record_id: int) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    found = (selectors.decision_in(space=space, decision_id=record_id) if kind == "decision"
             else selectors.action_in(space=space, action_id=record_id))
    if found is None:
        raise Http404
    try:
        if kind == "decision":
            records.delete_decision(actor=me, decision=found)  # type: ignore[arg-type]
        else:
            records.delete_action(actor=me, action=found)  # type: ignore[arg-type]
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("C'est supprimé."))
    return _back(request, space)


def _filters(request: HttpRequest, members: list[User]) -> tuple[RegisterFilterForm,
                                                                  selectors.RegisterFilter]:
    form = RegisterFilterForm(request.GET or None, members=members)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, selectors.RegisterFilter(kind=data["kind"], status=data["status"],
                                              assignee_id=data["assignee"],
                                              overdue=data["overdue"])
    return form, selectors.RegisterFilter()


@login_required
@require_GET
def register(request: HttpRequest, slug: str) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    members = _members(space)
    form, filters = _filters(request, members)
    decisions, actions = selectors.register(space=space, filters=filters)
    membership = membership_of(user=me, space=space)
    now = today()
    return render(request, "frontend/decisions/register.html", {
        "space": space, "form": form,
        "decisions": [_row_of(me, membership, "decision", d, now) for d in decisions],
        "actions": [_row_of(me, membership, "action", a, now) for a in actions],
        "can_manage": access.may_delete(membership, me), "status_choices": StatusForm(),
        "query": request.GET.urlencode(), "filtered": form.is_bound,
        "invalid_filters": form.is_bound and not form.is_valid(),
    }, status=400 if form.is_bound and not form.is_valid() else 200)


@login_required
@require_GET
def register_export(request: HttpRequest, slug: str) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    _form, filters = _filters(request, _members(space))
    decisions, actions = selectors.register(space=space, filters=filters)
    response = HttpResponse(register_csv(decisions, actions),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="decisions-suivis-{space.slug}-'
                                       f'{today().isoformat()}.csv"')
    response["Cache-Control"] = "private, no-store"
    return response


# --- editing a recorded decision or action ------------------------------------------------
def _partial(request: HttpRequest) -> bool:
    """htmx asks for one row of the register alone (edited, cancelled, marked done); a plain
    request gets a page or a redirect, as without JavaScript."""
    return bool(getattr(request, "htmx", False))


def _author_id(record: Decision | ActionItem) -> int | None:
    if isinstance(record, Decision):
        return record.recorded_by_id
    return record.created_by_id


def _row_of(me: User, membership: Membership | None, kind: str,
            record: Decision | ActionItem, now: date | None = None) -> dict[str, Any]:
    """What one row of the register shows, and which of its buttons this person gets; asks
    no query beyond the record's prefetched assignees."""
    row: dict[str, Any] = {
        "record": record, "kind": kind,
        "may_edit": access.may_edit(membership, me, author_id=_author_id(record)),
        "may_delete": access.may_delete(membership, me),
    }
    if isinstance(record, ActionItem):
        row["overdue"] = selectors.is_overdue(record, on=now or today())
        row["may_change"] = access.may_change_status(
            membership, me, assignee_ids={u.pk for u in record.assignees.all()})
        row["action"] = record
    else:
        row["decision"] = record
    return row


def _record_or_404(space: Space, kind: str, record_id: int) -> Decision | ActionItem:
    found = (selectors.decision_in(space=space, decision_id=record_id) if kind == "decision"
             else selectors.action_in(space=space, action_id=record_id))
    if found is None:
        raise Http404(_("Cette décision ou cette action n'existe pas dans cet espace."))
    return found


def _row(request: HttpRequest, *, me: User, space: Space, kind: str,
         record: Decision | ActionItem, said: str = "", error: str = "",
         status: int = 200) -> HttpResponse:
    fresh = _record_or_404(space, kind, record.pk)  # as saved, with its assignees
    row = _row_of(me, membership_of(user=me, space=space), kind, fresh)
    row.update(said=said, error=error)
    return render(request, f"frontend/decisions/includes/{kind}_row.html", {
        "space": space, "row": row, "status_choices": StatusForm(),
        "next": _next_of(request, space),
    }, status=status)


def _next_of(request: HttpRequest, space: Space) -> str:
    """Where a form sends back to: the page it was opened from, on this site only."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("decisions:register", args=[space.slug])
    return target


@login_required
@require_http_methods(["GET", "HEAD"])
def record_row(request: HttpRequest, slug: str, kind: str, record_id: int) -> HttpResponse:
    """One row of the register: what "Annuler" of the edit in place puts back."""
    me = _me(request)
    space = space_or_404(me, slug)
    return _row(request, me=me, space=space, kind=kind,
                record=_record_or_404(space, kind, record_id))


def _edit_form(kind: str, record: Decision | ActionItem, space: Space,
               data: Any = None) -> DecisionForm | ActionForm:
    # Ids of their own: several rows may be in edit at once beside the register's filters.
    auto_id = f"id_{kind}_{record.pk}_%s"
    if isinstance(record, Decision):
        return DecisionForm(data, auto_id=auto_id, initial={
            "text": record.text, "decided_on": record.decided_on})
    return ActionForm(data, auto_id=auto_id, members=_members(space), initial={
        "what": record.what, "due_on": record.due_on,
        "assignees": [u.pk for u in record.assignees.all()]})


def _save(me: User, record: Decision | ActionItem, form: DecisionForm | ActionForm) -> None:
    data = form.cleaned_data
    if isinstance(record, Decision):
        records.edit_decision(actor=me, decision=record, text=data["text"],
                              decided_on=data["decided_on"])
    else:
        records.update_action(actor=me, action=record, what=data["what"],
                              assignee_ids=data["assignees"], due_on=data["due_on"])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_record(request: HttpRequest, slug: str, kind: str, record_id: int) -> HttpResponse:
    me = _me(request)
    space = space_or_404(me, slug)
    record = _record_or_404(space, kind, record_id)
    # Asked before the form is shown too, so nobody types what would be refused.
    if not access.may_edit(membership_of(user=me, space=space), me,
                           author_id=_author_id(record)):
        error = Forbidden("forbidden", _("Seules la personne qui l'a consigné et les personnes "
                                         "qui animent l'espace peuvent le modifier."))
        if _partial(request):
            return _row(request, me=me, space=space, kind=kind, record=record,
                        error=str(error.message), status=403)
        return refused(request, error, space=space)
    posting = request.method == "POST"
    form = _edit_form(kind, record, space, request.POST if posting else None)
    if posting and form.is_valid():
        try:
            _save(me, record, form)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            said = (_("La décision est modifiée.") if kind == "decision"
                    else _("L'action est modifiée."))
            if _partial(request):
                return _row(request, me=me, space=space, kind=kind, record=record, said=said)
            messages.success(request, said)
            return HttpResponseRedirect(_next_of(request, space))
    context = {"space": space, "kind": kind, "record": record, "form": form,
               "next": _next_of(request, space)}
    status = 400 if posting else 200
    if _partial(request):
        return render(request, "frontend/decisions/includes/edit_row.html", context,
                      status=status)
    return render(request, "frontend/decisions/edit.html", context, status=status)
