"""JSON API v1: parse, call a service or selector, shape the answer. No logic of its own."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import StringConstraints

from communities import selectors
from communities.errors import ServiceError
from communities.models import Space, User
from communities.serializers import message_data, thread_data
from communities.services import accounts, discussion


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = accounts.user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


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


class TokenOut(Schema):
    token: str


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


class PersonOut(Schema):
    id: int
    display_name: str
    organisation: str


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


class ThreadListItem(ThreadOut):
    unread: int


class NewThread(Schema):
    title: str
    body: str
    client_id: str | None = None
    #: Ids of documents of the space to attach (issue 4).
    attachments: list[int] = []


class NewMessage(Schema):
    body: str
    client_id: str | None = None
    reply_to: int | None = None
    #: Ids of documents of the space to attach (issue 4).
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
@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut},
             summary="Obtenir un jeton d'API / Get an API token")
def create_token(request: HttpRequest, credentials: Credentials) -> dict[str, str]:
    return {"token": accounts.issue_api_token(email=credentials.email,
                                              password=credentials.password)}


@router.post("/realtime/ticket", response={200: TicketOut, 401: ErrorOut},
             summary="Billet de connexion websocket / Websocket ticket")
def create_ticket(request: HttpRequest) -> dict[str, Any]:
    ticket, lifetime = accounts.issue_realtime_ticket(user=_user(request))
    return {"ticket": ticket, "expires_in": lifetime}


@router.get("/spaces", response=list[SpaceOut], summary="Mes espaces / My spaces")
def my_spaces(request: HttpRequest) -> list[dict[str, Any]]:
    unread = selectors.unread_per_space(_user(request))
    return [
        {"slug": m.space.slug, "name": m.space.name, "description": m.space.description,
         "role": m.role, "head": m.space.event_head, "unread": unread.get(m.space_id, 0)}
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
                                     attachments=payload.attachments)
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
    thread = selectors.visible_thread(user=_user(request), thread_id=thread_id)
    posted = discussion.post_message(actor=_user(request), thread=thread, body=payload.body,
                                     client_id=payload.client_id, reply_to=payload.reply_to,
                                     attachments=payload.attachments)
    return Status(201 if posted.created else 200, {
        "message": message_data(posted.message), "seq": posted.seq,
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


# --- search (issue 3) ------------------------------------------------------------------------
class SearchThreadOut(Schema):
    id: int
    title: str
    space: str


class SearchResultOut(Schema):
    thread: SearchThreadOut
    message_id: int
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
             "created_at": hit.message.created_at, "author": person(hit.message.author),
             "url": hit.url}
            for hit in found.hits
        ],
    }
