"""The websocket endpoint. Thin on purpose: authenticate, parse frames, check access, and
hand the connection to the process's hub. Protocol: docs/realtime-protocol.md."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from typing import Any, TypeGuard

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from realtime import store
from realtime.frames import PERSONAL_STREAM, PROTOCOL_V2, dumps, error_frame
from realtime.hub import Hub, get_hub
from realtime.link import Link, direct_transport, text_message

CLOSE_UNAUTHENTICATED = 4001
CLOSE_HANDLER_FAILED = 1011
TYPING_INTERVAL = 2.0

logger = logging.getLogger(__name__)


def _readable_label(label: object) -> TypeGuard[str]:
    """A stream name we can look up and echo: no NUL (PostgreSQL refuses it in text) and no
    lone surrogate (it cannot be encoded, in a query or in the frame that would echo it)."""
    if not isinstance(label, str) or not label or len(label) > 100 or "\x00" in label:
        return False
    try:
        label.encode()
    except UnicodeEncodeError:
        return False
    return True


def _too_many_now(limit: int) -> str:
    return gettext("Trop d'abonnements sur cette connexion : attendez une minute (au plus "
                   "%(n)s par minute).") % {"n": limit}


_too_many = lazy(_too_many_now, str)


def _forget_handshake(send: Any) -> None:
    """uvicorn keeps the opening request and its response, headers and all, for the life of
    the connection, and reads neither once the connection is accepted: about 3 KB of each
    idle connection (bench.idle_objects). Only its own websocket protocol is touched, the one
    whose transport links write to."""
    protocol = direct_transport(send)
    if protocol is not None and protocol.handshake_complete:
        protocol.request = protocol.response = None


class RealtimeConsumer(AsyncWebsocketConsumer):
    # The hub holds the one channel-layer subscription of this process; connections get none.
    channel_layer_alias = "__hub_only__"

    hub: Hub
    link: Link | None = None
    last_typing: float
    #: When this connection's last subscribe and unsubscribe frames arrived (past minute).
    recent_subscribes: list[float]

    async def dispatch(self, message: dict[str, Any]) -> None:
        # channels' own dispatch first closes stale database connections on its one shared
        # thread, for every connect, frame and disconnect: in a storm, thousands of hops
        # queued on that thread. This consumer touches the database only through
        # realtime.store, whose threads return their connections themselves.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        # As channels' but without that hop (and without groups: the hub holds them).
        await self.disconnect(message["code"])
        raise StopConsumer

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # With no channel layer there is one source to read: channels' await_many_dispatch
        # would keep a task and an asyncio.wait per connection just to wait on it, about
        # 4 KB of each idle connection (bench.idle --trace).
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        with contextlib.suppress(StopConsumer):
            while True:
                await self.dispatch(await receive())

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.language = user.language
        self.last_typing = 0.0
        # A list, not a deque: an empty deque is a 760-byte block, and this holds at most
        # REALTIME_SUBSCRIBE_RATE times.
        self.recent_subscribes: list[float] = []
        # The version the client asks for as a websocket subprotocol; without it, version 1:
        # one event per frame, as a client that knows no batch expects.
        batches = PROTOCOL_V2 in (self.scope.get("subprotocols") or ())
        await self.accept(subprotocol=PROTOCOL_V2 if batches else None)
        _forget_handshake(self.base_send)
        self.hub = await get_hub()
        session = self.scope.get("session")
        self.link = Link(
            user_id=user.pk,
            # Straight to the server: the hub's frames are ready-made ASGI messages.
            send_message=self.base_send,
            close=self._close,
            max_pending=settings.REALTIME_MAX_PENDING_FRAMES,
            display_name=user.display_name,
            label=user.label,
            session_key=session.session_key if self.scope.get("auth") == "session" and session
            else None,
            api_token_id=self.scope.get("api_token"),
            batches=batches,
        )
        self.hub.attach(self.link)

    async def _close(self, code: int) -> None:
        await self.close(code=code)

    async def disconnect(self, code: int) -> None:
        if self.link is not None:
            await self.hub.detach(self.link)
            self.link = None

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.link is None:
            return
        try:
            await self._handle(text_data if text_data is not None else bytes_data or b"")
        except Exception:
            # A frame we did not foresee must not leave a ghost: the server would close the
            # socket without a disconnect, and the person would stay online with a dead link.
            logger.exception("websocket frame handler failed; connection closed")
            await self._abandon()

    async def _abandon(self) -> None:
        if self.link is not None:
            link, self.link = self.link, None
            await self.hub.detach(link)
        await self.close(code=CLOSE_HANDLER_FAILED)

    async def _handle(self, raw: str | bytes) -> None:
        size = len(raw.encode(errors="surrogatepass") if isinstance(raw, str) else raw)
        if size > settings.REALTIME_MAX_FRAME_BYTES:
            return await self._error("too_large", _("Trame trop grande (64 Kio au plus)."))
        try:
            frame = json.loads(raw)
        except ValueError:  # UnicodeDecodeError included
            return await self._error("bad_json", _("Trame illisible : JSON attendu."))
        except RecursionError:
            return await self._error("bad_json", _("Trame illisible : JSON trop imbriqué."))
        if not isinstance(frame, dict):
            return await self._error("bad_frame", _("Trame invalide : objet JSON attendu."))
        kind = frame.get("type")
        if not isinstance(kind, str):
            return await self._error("bad_frame", _("Indiquez le type de la trame (« type »)."))
        handler = self.handlers.get(kind)
        if handler is None:
            return await self._error("unknown_type", _("Type de trame inconnu."))
        await handler(self, frame)

    async def _error(self, code: str, message: str | Promise, **extra: Any) -> None:
        # Translated here, for errors only: activating the language around every frame left
        # a copy of the translation state in each connection's task context (1 KB each).
        assert self.link is not None
        with translation.override(self.language):
            text = str(message)
        await self.link.send(text_message(error_frame(code, text, **extra)))

    async def _too_fast(self, frame: dict[str, Any]) -> bool:
        """Each subscription change reads the database and a subscribe may replay history:
        past REALTIME_SUBSCRIBE_RATE a minute the frame is refused, and the connection stays."""
        limit = settings.REALTIME_SUBSCRIBE_RATE
        if not limit:
            return False
        now = time.monotonic()
        recent = self.recent_subscribes
        while recent and now - recent[0] >= 60:
            del recent[0]
        if len(recent) < limit:
            recent.append(now)
            return False
        label = frame.get("space")
        extra = {"space": label} if _readable_label(label) else {}
        await self._error("rate_limited", _too_many(limit), **extra)
        return True

    async def _stream_for(
        self, frame: dict[str, Any],
    ) -> tuple[store.StreamKey, str, store.Bounds | None] | None:
        """The stream a frame names, if this person may read it, with its bounds when the
        access check read them too (space streams: one query for both)."""
        if await self._too_fast(frame):
            return None
        label = frame.get("space")
        if not _readable_label(label):
            await self._error("bad_frame", _("Indiquez l'espace (« space »)."))
            return None
        assert self.link is not None
        if label == PERSONAL_STREAM:
            return ("user", self.link.user_id), label, None
        access = await store.space_access((self.link.user_id, label))
        if access is None:
            # Same words as the pages and the API: a private space's slug must not be probeable.
            await self._error("not_found", _("Cet espace n'existe pas ou ne vous est pas "
                                             "accessible."), space=label)
            return None
        return access.key, label, access.bounds

    async def on_subscribe(self, frame: dict[str, Any]) -> None:
        after = frame.get("after")
        if after is not None and (not isinstance(after, int) or isinstance(after, bool)
                                  or after < 0):
            return await self._error("bad_frame", _("« after » doit être un entier positif."))
        target = await self._stream_for(frame)
        if target is None or self.link is None:
            return
        await self.hub.subscribe(self.link, target[0], target[1], after, bounds=target[2])

    async def on_unsubscribe(self, frame: dict[str, Any]) -> None:
        target = await self._stream_for(frame)
        if target is not None and self.link is not None:
            await self.hub.unsubscribe(self.link, target[0])
            await self.link.send(text_message(dumps({"type": "unsubscribed",
                                                     "space": target[1]})))

    async def on_typing(self, frame: dict[str, Any]) -> None:
        """"X est en train d'écrire…": relayed to the space's other subscribers, at most once
        per TYPING_INTERVAL per thread, never stored."""
        assert self.link is not None
        label, thread = frame.get("space"), frame.get("thread")
        key = next((k for k, name in self.link.streams.items() if name == label), None)
        if key is None or key[0] != "space":
            return await self._error("bad_frame", _("Abonnez-vous d'abord à cet espace."))
        if not isinstance(thread, int) or isinstance(thread, bool):
            return await self._error("bad_frame", _("« thread » doit être un identifiant."))
        now = time.monotonic()
        # Per connection, not per thread: a client choosing new thread ids must not flood.
        if now - self.last_typing < TYPING_INTERVAL:
            return None
        self.last_typing = now
        await self.hub.ephemeral(self.link, key, dumps({
            "type": "typing", "space": label, "thread": thread,
            "user": {"id": self.link.user_id, "display_name": self.link.display_name,
                     "label": self.link.label or self.link.display_name},
        }))
        return None

    async def on_ping(self, frame: dict[str, Any]) -> None:
        assert self.link is not None
        await self.link.send(text_message(dumps({"type": "pong"})))

    handlers = {"subscribe": on_subscribe, "unsubscribe": on_unsubscribe, "ping": on_ping,
                "typing": on_typing}


