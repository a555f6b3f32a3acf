"""What can be done to one message: edit it (with its history kept), delete it, react to it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.access import may_manage, membership_of
from communities.errors import Forbidden, ServiceError
from communities.markdown import plain_text
from communities.models import Message, User
from communities.services.moderation import delete_message, edit_message
from communities.services.reactions import EMOJI, toggle_reaction
from frontend.forms import EditForm, ServiceForm
from frontend.queries import mention_candidates, message_or_404, revisions_of, thread_rows
from frontend.views.live import live_strings
from frontend.views.refusals import refused, wants_json
from frontend.views.threads import thread_url


def _refuse(request: HttpRequest, message: Message, error: ServiceError) -> HttpResponse:
    return refused(request, error, space=message.thread.space, thread=message.thread)


def _partial(request: HttpRequest) -> bool:
    """htmx asks for the message's row alone (inline edit, delete in place); a plain request
    gets the whole page or a redirect, as without JavaScript."""
    return bool(getattr(request, "htmx", False))


def _row(request: HttpRequest, message: Message) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    moderator = may_manage(membership_of(user=me, space=message.thread.space), me)
    [row] = thread_rows(thread=message.thread, user=me, moderator=moderator,
                        read_up_to=message.pk, ids=[message.pk])
    return render(request, "frontend/includes/message.html", {
        "row": row, "space": message.thread.space, "thread": message.thread, "emoji": EMOJI,
    })


@login_required
@require_http_methods(["GET", "HEAD"])
def row(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    """One message as the thread shows it: what "Annuler" of the inline edit puts back."""
    return _row(request, message_or_404(request.user, slug, message_id))  # type: ignore[arg-type]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    message = message_or_404(me, slug, message_id)
    # Checked before showing the form too, so nobody types a text that would be refused.
    if message.author_id != me.pk:
        return _refuse(request, message, Forbidden(
            "forbidden", _("Vous ne pouvez modifier que vos propres messages.")))
    if message.deleted_at is not None:
        if _partial(request):  # edited in place meanwhile deleted: the row says so
            return _row(request, message)
        return _refuse(request, message, ServiceError("deleted", _("Ce message a été "
                                                                   "supprimé.")))
    posting = request.method == "POST"
    # Its own ids: the edit form sits in the thread beside the composer's.
    form = EditForm(request.POST if posting else None, original=message.body,
                    auto_id=f"message-{message.pk}-%s")
    if posting and form.is_valid():
        try:
            edit_message(actor=me, message=message, body=form.cleaned_data["body"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            if _partial(request):
                message.refresh_from_db()
                return _row(request, message)
            messages.success(request, _("Votre message est modifié."))
            return redirect(thread_url(message.thread, message.pk))
    if _partial(request):
        # htmx swaps only 2xx answers: the refusal stays in the form, in place.
        return render(request, "frontend/includes/message_edit.html", {
            "space": message.thread.space, "thread": message.thread, "message": message,
            "form": form, "mention_members": mention_candidates(message.thread.space),
        })
    return render(request, "frontend/edit_message.html", {
        "space": message.thread.space, "thread": message.thread, "message": message,
        "form": form, "live_strings": live_strings(),
        "mention_members": mention_candidates(message.thread.space),
    }, status=400 if posting else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    message = message_or_404(me, slug, message_id)
    moderator = may_manage(membership_of(user=me, space=message.thread.space), me)
    if message.author_id != me.pk and not moderator:
        return _refuse(request, message, Forbidden(
            "forbidden", _("Vous ne pouvez supprimer que vos propres messages.")))
    form = ServiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            delete_message(actor=me, message=message)
        except ServiceError as error:
            if _partial(request):  # the row as it stands, rather than a page inside it
                return _row(request, message)
            return _refuse(request, message, error)
        if _partial(request):
            return _row(request, message)
        messages.success(request, _("Le message est supprimé."))
        return redirect(thread_url(message.thread, message.pk))
    mine = message.author_id == me.pk
    return render(request, "frontend/confirm.html", {
        "space": message.thread.space, "thread": message.thread, "form": form,
        "title": _("Supprimer ce message ?"),
        "question": _("Le message sera remplacé par la mention « message supprimé » pour tout "
                      "le monde, et son historique sera effacé.") if mine else
        _("Le message de %(name)s sera remplacé par la mention « message supprimé » pour tout "
          "le monde, et son historique sera effacé.") % {"name": message.author.display_name},
        "quote": plain_text(message.body), "button": _("Supprimer le message"),
        "cancel_url": thread_url(message.thread, message.pk),
    })


@login_required
@require_POST
def react(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    message = message_or_404(me, slug, message_id)
    try:
        toggle_reaction(actor=me, message=message, emoji=request.POST.get("emoji", ""))
    except ServiceError as error:
        if wants_json(request):
            return _refuse(request, message, error)
        messages.error(request, str(error.message))
    if wants_json(request):
        return HttpResponse(status=204)
    return redirect(thread_url(message.thread, message.pk))


@login_required
@require_http_methods(["GET", "HEAD"])
def history(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    message = message_or_404(request.user, slug, message_id)  # type: ignore[arg-type]
    return render(request, "frontend/history.html", {
        "space": message.thread.space, "thread": message.thread, "message": message,
        "revisions": revisions_of(message),
    })
