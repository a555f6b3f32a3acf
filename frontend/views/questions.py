"""Questions: the answer shown first on the thread, marking it, and the space's questions
still waiting for one (oldest first)."""

from __future__ import annotations

from typing import Any

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
from communities.models import Message, Thread, User
from communities.selectors import unanswered_questions
from communities.services.questions import mark_answer as mark_answer_service
from communities.services.questions import may_mark_answer
from frontend.queries import space_or_404, thread_or_404
from frontend.views.refusals import refused


def question_context(*, thread: Thread, user: User, moderator: bool) -> dict[str, Any]:
    """What the thread page shows of a question: its answer first, and who may mark one."""
    if not thread.is_question:
        return {}
    answer = None
    if thread.answer_id is not None:
        answer = Message.objects.select_related("author").filter(pk=thread.answer_id).first()
    first = thread.messages.order_by("pk").values_list("pk", flat=True).first()
    return {"answer": answer, "first_message_id": first,
            "may_mark_answer": may_mark_answer(user=user, thread=thread,
                                               may_moderate=moderator)}


@login_required
@require_POST
def mark_answer(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    current = thread_or_404(me, slug, thread_id)
    message_id = parse_id(request.POST.get("message", ""))
    try:
        mark_answer_service(actor=me, thread=current, message_id=message_id)
    except ServiceError as error:
        return refused(request, error, space=current.space, thread=current)
    url = reverse("thread", args=[current.space.slug, current.pk])
    if message_id is None:
        messages.success(request, _("La réponse n'est plus marquée."))
        return redirect(url)
    messages.success(request, _("Cette réponse est marquée comme celle qui règle la question."))
    return redirect(f"{url}#reponse-acceptee")


@login_required
@require_http_methods(["GET", "HEAD"])
def unanswered(request: HttpRequest, slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    can_manage = may_manage(membership_of(user=me, space=space), me)
    return render(request, "frontend/questions.html", {
        "space": space, "questions": list(unanswered_questions(space)),
        "can_manage": can_manage,
    })
