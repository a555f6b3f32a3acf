"""My spaces, a space with its threads, a thread with its messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communities.errors import ServiceError
from communities.selectors import messages_of, spaces_of, threads_of
from communities.services.discussion import post_message, start_thread
from frontend.forms import ReplyForm, ThreadForm
from frontend.queries import may_manage, space_or_404, thread_or_404
from frontend.views.live import live_context


@login_required
def my_spaces(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/my_spaces.html",
                  {"memberships": spaces_of(request.user)})  # type: ignore[arg-type]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def space(request: HttpRequest, slug: str) -> HttpResponse:
    current = space_or_404(request.user, slug)  # type: ignore[arg-type]
    # The head is read before the list so live.js replays anything newer; duplicates are
    # recognised by id, gaps are impossible.
    context = live_context(current)
    form = ThreadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            posted = start_thread(actor=request.user, space=current,  # type: ignore[arg-type]
                                  title=form.cleaned_data["title"],
                                  body=form.cleaned_data["body"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Votre fil de discussion est lancé."))
            return redirect("thread", slug=current.slug, thread_id=posted.thread.pk)
    _membership, can_manage = may_manage(request.user, current)  # type: ignore[arg-type]
    status = 400 if form.is_bound else 200
    return render(request, "frontend/space.html", {
        **context, "space": current, "threads": threads_of(current), "form": form,
        "can_manage": can_manage,
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    current = thread_or_404(request.user, slug, thread_id)  # type: ignore[arg-type]
    context = live_context(current.space, thread_id=current.pk)
    form = ReplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            posted = post_message(actor=request.user, thread=current,  # type: ignore[arg-type]
                                  body=form.cleaned_data["body"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Votre message est publié."))
            url = reverse("thread", kwargs={"slug": slug, "thread_id": current.pk})
            return redirect(f"{url}#message-{posted.message.pk}")
    status = 400 if form.is_bound else 200
    return render(request, "frontend/thread.html", {
        **context, "space": current.space, "thread": current,
        "thread_messages": messages_of(current), "form": form,
    }, status=status)
