"""The online list a new subscriber gets is built from people encoded once per flush: it must be
the very text the whole list encoded each time would be, newcomer included, in name order."""

from __future__ import annotations

import json
import random

from realtime.frames import dumps
from realtime.presence import Presence

KEY = ("space", 1)
NAMES = ["Émilie", "emilie", "Zoé", "Marc", "marc", "Noémie", "Åsa", "Ève", 'Jean "JJ"', "李"]


def plain(people, label: str) -> str:
    online = sorted(people, key=lambda p: (p[1].casefold(), p[0]))
    return dumps({"type": "presence", "space": label,
                  "online": [{"id": p[0], "display_name": p[1], "label": p[2]}
                             for p in online]})


def test_the_list_is_the_same_text_as_encoding_it_whole():
    rng = random.Random(5)
    presence = Presence()
    people = {pid: (pid, rng.choice(NAMES), f"{rng.choice(NAMES)} ({pid})")
              for pid in rng.sample(range(1, 500), 60)}
    for person in people.values():
        presence.join(KEY, person)
    presence.changes_frame(KEY, "rma")  # what the connections were told
    for _ in range(30):
        pid = rng.randrange(1, 600)
        newcomer = people.get(pid) or (pid, rng.choice(NAMES), rng.choice(NAMES))
        built = presence.full_frame(KEY, "rma", newcomer)
        assert built == plain({**people, pid: people.get(pid, newcomer)}.values(), "rma")
    assert presence.full_frame(KEY, "réseau-é") == plain(people.values(), "réseau-é")
    assert json.loads(presence.full_frame(("space", 2), "rma", (3, "Zoé", "Zoé"))) == {
        "type": "presence", "space": "rma",
        "online": [{"id": 3, "display_name": "Zoé", "label": "Zoé"}]}


def test_after_a_flush_the_list_shows_the_change():
    presence = Presence()
    presence.join(KEY, (1, "Marc", "Marc"))
    presence.changes_frame(KEY, "rma")
    assert presence.full_frame(KEY, "rma") == plain([(1, "Marc", "Marc")], "rma")
    presence.join(KEY, (2, "Annie", "Annie"))
    presence.leave(KEY, (1, "Marc", "Marc"))
    presence.changes_frame(KEY, "rma")
    assert presence.full_frame(KEY, "rma") == plain([(2, "Annie", "Annie")], "rma")
