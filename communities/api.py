"""JSON API v1: parse, call a service or selector, shape the answer. No logic of its own."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import StringConstraints

from communities import selectors
from communities.errors import ServiceError
from communities.models import ApiToken, Space, User
from communities.serializers import message_data, thread_data
from communities.services import accounts, discussion


class BearerToken(HttpBearer):
    """``request.auth`` is the ApiToken (so a ticket or a list can name it), ``request.user``
    its owner."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = accounts.api_token_for(token)
        if api_token is not None:
            request.user = api_token.user
        return api_token


bearer = BearerToken()
router = Router(auth=bearer)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# --- schemas ---------------------------------------------------------------------------------
class Credentials(Schema):
    email: str
    password: str
    label: str = Field("", max_length=100,
                       description="Un nom pour le reconnaître / A name to recognise it by")


class TokenOut(Schema):
    token: str
    id: int
    expires_at: datetime


class TicketOut(Schema):
    ticket: str
    expires_in: int


class SpaceOut(Schema):
    slug: str
    name: str
    description: str
    role: str | None
    head: int
    unread: int
    #: For a committee, the slug of its space (committees are listed right after it).
    parent: str | None = None


class PersonOut(Schema):
    id: int
    display_name: str
    organisation: str
    # The name to show, told apart from a namesake of a shared space, and what tells them
    # apart (organisation or member number; empty without a namesake).
    label: str
    disambiguation: str


class QuoteOut(Schema):
    id: int
    author: str
    excerpt: str
    deleted: bool


class ReactionOut(Schema):
    emoji: str
    users: list[int]


class AttachmentOut(Schema):
    """A document attached to a message; ``deleted`` (and nothing else) once it is trashed."""

    id: int | None
    title: str
    content_type: str
    size: int
    url: str | None
    download_url: str | None
    deleted: bool


class MessageOut(Schema):
    id: int
    thread: int
    author: PersonOut
    # Strings, as in event payloads, so both ways of receiving a message give equal objects.
    created_at: str
    body: str
    html: str
    reply_to: QuoteOut | None
    edited_at: str | None
    deleted: bool
    reactions: list[ReactionOut]
    attachments: list[AttachmentOut]


class ThreadOut(Schema):
    id: int
    space: str
    title: str
    author: PersonOut
    created_at: str
    last_activity_at: str
    message_count: int
    pinned: bool
    locked: bool
    announcement: bool
    is_question: bool = False
    #: The id of the reply marked as the question's answer, or null.
    answer: int | None = None


class ThreadListItem(ThreadOut):
    unread: int


class NewThread(Schema):
    title: str
    body: str
    client_id: str | None = None
    #: Started as a question: one reply will be marked as its answer.
    is_question: bool = False
    #: Ids of documents of the space to attach (checked in the posting transaction).
    attachments: list[int] = []


class NewMessage(Schema):
    body: str
    client_id: str | None = None
    reply_to: int | None = None
    #: Ids of documents of the space to attach (checked in the posting transaction).
    attachments: list[int] = []


class ThreadPosted(Schema):
    thread: ThreadOut
    message: MessageOut
    seq: int


class MessagePosted(Schema):
    message: MessageOut
    seq: int


class EventOut(Schema):
    seq: int
    kind: str
    created_at: datetime
    data: dict[str, Any]


class EventPage(Schema):
    space: str
    head: int
    floor: int
    events: list[EventOut]


class ErrorOut(Schema):
    code: str
    message: str


# A space's slug in a path: anything else (a NUL among them, which PostgreSQL refuses) is a
# 422 before any query, and the OpenAPI document says what a slug looks like.
SpaceSlug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$", max_length=100)]


# --- endpoints -------------------------------------------------------------------------------
@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut},
             summary="Obtenir un jeton d'API / Get an API token",
             description="Après trop d'échecs pour un compte ou depuis une adresse, la "
                         "connexion est suspendue un moment (429, « too_many_attempts »). / "
                         "After too many failures for one account or from one address, "
                         "sign-in is suspended for a while (429).")
def create_token(request: HttpRequest, credentials: Credentials) -> dict[str, Any]:
    raw, token = accounts.create_api_token(email=credentials.email,
                                           password=credentials.password,
                                           label=credentials.label, request=request)
    return {"token": raw, "id": token.pk, "expires_at": token.expires_at}


@router.post("/realtime/ticket", response={200: TicketOut, 401: ErrorOut},
             summary="Billet de connexion websocket / Websocket ticket")
def create_ticket(request: HttpRequest) -> dict[str, Any]:
    api_token = request.auth  # type: ignore[attr-defined]
    ticket, lifetime = accounts.issue_realtime_ticket(user=_user(request), api_token=api_token)
    return {"ticket": ticket, "expires_in": lifetime}


@router.get("/spaces", response=list[SpaceOut], summary="Mes espaces / My spaces")
def my_spaces(request: HttpRequest) -> list[dict[str, Any]]:
    unread = selectors.unread_per_space(_user(request))
    return [
        {"slug": m.space.slug, "name": m.space.name, "description": m.space.description,
         "role": m.role, "head": m.space.event_head, "unread": unread.get(m.space_id, 0),
         "parent": m.space.parent.slug if m.space.parent is not None else None}
        for m in selectors.spaces_of(_user(request))
    ]


# Beside the POST on the same path: ninja routes one path to one router.
@router.get("/spaces/{slug}/threads", response={200: list[ThreadListItem], 404: ErrorOut},
            summary="Fils d'un espace, non lus compris / Threads with unread counts")
def list_threads(request: HttpRequest, slug: SpaceSlug) -> list[dict[str, Any]]:
    space = selectors.visible_space(user=_user(request), slug=slug)
    return [{**thread_data(t), "unread": t.unread}  # type: ignore[attr-defined]
            for t in selectors.threads_for_member(space=space, user=_user(request))]


@router.post("/spaces/{slug}/threads", response={201: ThreadPosted, 200: ThreadPosted,
                                                  400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Ouvrir un fil / Start a thread")
def start_thread(request: HttpRequest, slug: SpaceSlug,
                 payload: NewThread) -> Status[dict[str, Any]]:
    space: Space = selectors.visible_space(user=_user(request), slug=slug)
    posted = discussion.start_thread(actor=_user(request), space=space, title=payload.title,
                                     body=payload.body, client_id=payload.client_id,
                                     attachments=payload.attachments,
                                     is_question=payload.is_question)
    return Status(201 if posted.created else 200, {
        "thread": thread_data(posted.thread), "message": message_data(posted.message),
        "seq": posted.seq,
    })


@router.post("/threads/{thread_id}/messages", response={201: MessagePosted, 200: MessagePosted,
                                                         400: ErrorOut, 403: ErrorOut,
                                                         404: ErrorOut},
             summary="Publier un message / Post a message")
def post_message(request: HttpRequest, thread_id: int,
                 payload: NewMessage) -> Status[dict[str, Any]]:
    thread = selectors.visible_thread(user=_user(request), thread_id=thread_id,
                                      with_author=False)
    posted = discussion.post_message(actor=_user(request), thread=thread, body=payload.body,
                                     client_id=payload.client_id, reply_to=payload.reply_to,
                                     attachments=payload.attachments)
    # A message just written has no reactions yet: no need to read them back.
    return Status(201 if posted.created else 200, {
        "message": message_data(posted.message, with_reactions=not posted.created),
        "seq": posted.seq,
    })


@router.get("/spaces/{slug}/events", response={200: EventPage, 404: ErrorOut},
            summary="Journal d'événements / Event log")
def space_events(request: HttpRequest, slug: SpaceSlug, after: int = 0,
                 limit: int = 100) -> dict[str, Any]:
    if after < 0 or not 1 <= limit <= 1000:
        raise ServiceError("invalid", _("« after » doit être positif et « limit » entre 1 et "
                                        "1000."))
    space = selectors.visible_space(user=_user(request), slug=slug)
    if after < space.event_floor:
        # As the websocket's resync: a partial history must not look like a complete one.
        raise ServiceError("pruned", _("Les événements après %(after)s ne sont plus conservés : "
                                       "rechargez l'espace puis reprenez à partir de %(head)s.")
                           % {"after": after, "head": space.event_head}, status=410)
    events = selectors.events_after(space=space, after=after, limit=limit)
    return {
        "space": space.slug, "head": space.event_head, "floor": space.event_floor,
        "events": [{"seq": e.seq, "kind": e.kind, "created_at": e.created_at,
                    "data": e.payload} for e in events],
    }


# --- search ---------------------------------------------------------------------------------
class SearchThreadOut(Schema):
    id: int
    title: str
    space: str


class SearchResultOut(Schema):
    thread: SearchThreadOut
    message_id: int
    #: This message is the marked answer of its question.
    accepted_answer: bool = False
    #: Escaped message text, matched words in <mark>: safe to insert as HTML.
    excerpt_html: str
    created_at: datetime
    author: PersonOut
    #: The message in its thread: the thread page with #message-<id>.
    url: str


class SearchPageOut(Schema):
    query: str
    page: int
    has_next: bool
    results: list[SearchResultOut]


@router.get("/search", response={200: SearchPageOut, 400: ErrorOut, 404: ErrorOut},
            summary="Rechercher dans mes espaces / Search my spaces")
def search_messages(request: HttpRequest, q: str = "", space: str | None = None,
                    page: int = 1) -> dict[str, Any]:
    """Fils (titres) et messages des espaces dont je suis membre, sans tenir compte des
    accents ni du pluriel ; 20 résultats par page. / Thread titles and messages of my spaces,
    accent- and plural-insensitive; 20 results a page."""
    # Imported here so this endpoint stays self-contained at the end of the module.
    from communities import search
    from communities.serializers import person

    user = _user(request)
    scope = selectors.visible_space(user=user, slug=space) if space else None
    found = search.search(user=user, q=q, space=scope, page=page)
    return {
        "query": found.query, "page": found.page, "has_next": found.has_next,
        "results": [
            {"thread": {"id": hit.thread.pk, "title": hit.thread.title,
                        "space": hit.space.slug},
             "message_id": hit.message.pk, "excerpt_html": str(hit.excerpt_html),
             "accepted_answer": hit.thread.answer_id == hit.message.pk,
             "created_at": hit.message.created_at, "author": person(hit.message.author),
             "url": hit.url}
            for hit in found.hits
        ],
    }
