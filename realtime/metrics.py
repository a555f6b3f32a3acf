"""What the live side of one process counts, for Prometheus.

Each process keeps its own figures (Prometheus scrapes every process or pod and adds them up),
so nothing here is shared across processes and nothing costs more than an addition on the
delivery path: the open-socket gauge is read from the hubs only when scraped.
"""

from __future__ import annotations

import weakref
from typing import Any, Protocol

from prometheus_client import Counter, Gauge, Histogram


class _HasLinks(Protocol):
    # The hub, described by what the gauge reads, so this module need not import it.
    links: Any

EVENTS_PUBLISHED = Counter(
    "espace_events_published_total", "Events announced to the hubs after their commit.")
FRAMES_DELIVERED = Counter(
    "espace_frames_delivered_total",
    "Events offered to live websocket connections (each event of a batch frame counts).")
BATCH_FRAMES = Counter(
    "espace_batch_frames_total",
    "Batch frames built: several events waiting for one stream, sent as one frame.")
DELIVERY_LAG = Histogram(
    "espace_delivery_lag_seconds",
    "From the commit's announcement to the hub handing the frame to its connections.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
REPLAYS = Counter("espace_replays_total", "Subscriptions that replayed events from the log.")
REPLAYED_EVENTS = Counter("espace_replayed_events_total", "Events sent from the log on replay.")
RESYNCS = Counter("espace_resyncs_total", "Connections told to resync, by reason.", ["reason"])
REPLAY_PAGES = Counter("espace_replay_pages_total",
                       "Replay pages served, by source: recent (frames kept in memory) or log.",
                       ["source"])

_hubs: weakref.WeakSet[_HasLinks] = weakref.WeakSet()
OPEN_SOCKETS = Gauge("espace_websockets_open", "Websocket connections attached to a hub.")
OPEN_SOCKETS.set_function(lambda: sum(len(hub.links) for hub in list(_hubs)))


def watch(hub: _HasLinks) -> None:
    """Count this hub's connections in the open-socket gauge."""
    _hubs.add(hub)
