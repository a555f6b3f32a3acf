"""A thread's page (reading, replying, the unread marker) and what can be done to the thread
itself: rename, pin, lock, record how far one has read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.access import may_manage, membership_of
from communities.errors import ServiceError
from communities.ids import parse_id
from communities.models import Thread, User
from communities.selectors import read_position
from communities.services.discussion import post_message
from communities.services.moderation import lock_thread, pin_thread, rename_thread
from communities.services.reactions import EMOJI
from communities.services.reading import mark_read
from frontend.forms import RenameForm, ReplyForm
from frontend.queries import mention_candidates, template_row, thread_or_404, thread_window
from frontend.views.documents.common import done, invalid
from frontend.views.documents.compose import compose_context, new_files
from frontend.views.live import live_context
from frontend.views.questions import question_context
from frontend.views.refusals import FacilitatorsOnly, refused, wants_json


def thread_url(thread: Thread, message_id: int | None = None) -> str:
    url = reverse("thread", kwargs={"slug": thread.space.slug, "thread_id": thread.pk})
    # ?message= opens the page that holds it, which may not be the last one.
    return f"{url}?message={message_id}#message-{message_id}" if message_id else url


def _reply_to_param(request: HttpRequest) -> int | None:
    return parse_id(request.GET.get("reply_to", ""))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    current = thread_or_404(me, slug, thread_id)
    moderator = may_manage(membership_of(user=me, space=current.space), me)
    # Read before the messages, so live.js replays anything newer (see the space page).
    context = live_context(current.space, user=me, thread_id=current.pk, moderator=moderator)
    posting = request.method == "POST"
    form = ReplyForm(request.POST if posting else None,
                     initial={"reply_to": _reply_to_param(request)})
    refusal = None
    if posting and form.is_valid():
        try:
            # With the documents picked in the composer and the file uploaded with it.
            posted = post_message(actor=me, thread=current, body=form.cleaned_data["body"],
                                  reply_to=form.cleaned_data["reply_to"],
                                  attachments=request.POST.getlist("attachments"),
                                  files=new_files(request))
        except ServiceError as error:
            refusal = error
            form.add_service_error(error)
        else:
            messages.success(request, _("Votre message est publié."))
            return done(request, thread_url(current, posted.message.pk))
    read_up_to = read_position(thread=current, user=me)
    window = thread_window(thread=current, user=me, moderator=moderator,
                           read_up_to=read_up_to, before=_message_param(request, "avant"),
                           after=_message_param(request, "apres"),
                           around=_message_param(request, "message"))
    rows = window.rows
    if rows and not posting:
        # Without JavaScript, seeing the page is reading it.
        mark_read(actor=me, thread=current, up_to=rows[-1].message.pk)
    question = question_context(thread=current, user=me, moderator=moderator)
    answering = form["reply_to"].value()
    replying_to = next((r.message for r in rows if str(r.message.pk) == str(answering)), None)
    page = render(request, "frontend/thread.html", {
        **context, **compose_context(request, current.space, moderator=moderator,
                                     error=refusal),
        "space": current.space, "thread": current, "rows": rows, "form": form,
        "moderator": moderator, "may_rename": moderator or current.author_id == me.pk,
        "first_unread": next((r.message.pk for r in rows if r.first_unread), None),
        "replying_to": replying_to, "emoji": EMOJI, "template_row": template_row(current),
        "mention_members": mention_candidates(current.space),
        "has_older": window.has_older, "has_newer": window.has_newer,
        "last_shown": rows[-1].message.pk if rows else 0, **question,
    }, status=400 if posting else 200)
    return invalid(request, form, page) if posting else page


def _message_param(request: HttpRequest, name: str) -> int | None:
    return parse_id(request.GET.get(name, ""))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rename(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    current = thread_or_404(me, slug, thread_id)
    moderator = may_manage(membership_of(user=me, space=current.space), me)
    if not moderator and current.author_id != me.pk:
        error = ServiceError("forbidden", _("Seuls l'auteur du fil et l'animation peuvent le "
                                            "renommer."), status=403)
        return refused(request, error, space=current.space, thread=current)
    posting = request.method == "POST"
    form = RenameForm(request.POST if posting else None, initial={"title": current.title})
    if posting and form.is_valid():
        try:
            rename_thread(actor=me, thread=current, title=form.cleaned_data["title"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Le fil est renommé."))
            return redirect(thread_url(current))
    return render(request, "frontend/rename.html",
                  {"space": current.space, "thread": current, "form": form},
                  status=400 if posting else 200)


def _toggle(request: HttpRequest, slug: str, thread_id: int, *, field: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    current = thread_or_404(me, slug, thread_id)
    if not may_manage(membership_of(user=me, space=current.space), me):
        raise FacilitatorsOnly(current.space)
    on = request.POST.get(field) == "1"
    change = pin_thread if field == "pinned" else lock_thread
    try:
        change(actor=me, thread=current, **{field: on})  # type: ignore[operator]
    except ServiceError as error:
        return refused(request, error, space=current.space, thread=current)
    done = {("pinned", True): _("Le fil est épinglé en tête de l'espace."),
            ("pinned", False): _("Le fil n'est plus épinglé."),
            ("locked", True): _("Le fil est verrouillé : il n'accepte plus de messages."),
            ("locked", False): _("Le fil est déverrouillé.")}
    messages.success(request, done[(field, on)])
    return redirect(thread_url(current))


@login_required
@require_POST
def pin(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    return _toggle(request, slug, thread_id, field="pinned")


@login_required
@require_POST
def lock(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    return _toggle(request, slug, thread_id, field="locked")


@login_required
@require_POST
def read(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    """live.js reports messages read as they arrive while the page is in view."""
    me: User = request.user  # type: ignore[assignment]
    current = thread_or_404(me, slug, thread_id)
    up_to = parse_id(request.POST.get("up_to", ""))
    if up_to is not None:
        mark_read(actor=me, thread=current, up_to=up_to)
    if wants_json(request):
        return HttpResponse(status=204)
    return redirect(thread_url(current))
