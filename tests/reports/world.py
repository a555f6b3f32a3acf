"""A small world with known dates, for checking every figure of the activity report by hand.

Fiscal year 2025-2026 (April 1, 2025 – March 31, 2026, Toronto time). Three spaces:

rma (A)
  members: Florence (F) since 2024-01-10, Marc (M1) since 2024-06-01, Mathis (M2) joined
  2025-06-15, Maude (M3) joined 2025-09-01 and left 2026-01-10, Mélanie (M4) joined 2025-10-01
  and left 2026-05-01 (after the year), Maxime (M5) joined 2026-04-15 (after).
  threads: T0 by M1 on 2025-03-20 (before) with a reply by M3 on 2025-09-05; T1 by F on
  2025-05-10, reply by M1 on 2025-05-11, reply by M2 on 2025-11-20 later deleted; T2 by M1 on
  2026-04-02 (after).
  reactions: M4 on T1's first message on 2025-12-01; M5 on 2026-04-10 (after).
  documents: by M1 on 2025-08-01; by F on 2025-09-09 then put in the trash.
  meetings: virtual 2025-06-10 (F, M1 + 3 guests), in person 2025-10-15 (M1, M2, M4 + 10
  guests), hybrid 2026-02-20 cancelled, hybrid 2026-03-05 attendance not recorded, virtual
  2025-03-15 (before).
mae (B)
  members: M2 since 2024-02-01, F joined 2025-05-01, Martin (M6) since 2024-03-01, removed
  2025-12-01.
  threads: T3 by M2 on 2025-07-01, reply by F on 2026-03-31 at 23:30 (still the year in
  Toronto, already April 1 in UTC), reply by M2 on 2026-04-01 at 00:10 (after).
  meetings: virtual 2025-11-05 attended by M6, no guests; M2 answered its invitation on
  2025-10-20. A document from 2024-12-01 (before).
vs (C): nothing at all.

By hand, for the year:
                      A     B    C   all spaces
members at end        4     2    0   4   (F, M1, M2, M4)
new members           3     1    0   4   (M2, M3, M4 | F)
active members        5     3    0   6   (F, M1, M2, M3, M4 | M2, F, M6)
threads               1     1    0   2
messages              3     2    0   5
documents             1     0    0   1
meetings held         3     1    0   4   (A: 1 virtual, 1 in person, 1 hybrid | B: 1 virtual)
participants         18     1    0   19
average per meeting  9.0   1.0   —   6.3 (19 / 3 meetings with attendance recorded)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from communities.events import emit
from communities.models import Event, Membership, Message, Reaction, Role, Space, Thread, User
from communities.serializers import person
from docs_store.models import Document, DocumentVersion
from meetings.models import Answer, Attendance, Meeting, MeetingMode, Presence, Rsvp
from tests.conftest import make_user

TORONTO = ZoneInfo("America/Toronto")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TORONTO)


@dataclass
class World:
    a: Space
    b: Space
    c: Space
    people: dict[str, User]


def _joined(space: Space, user: User, when: datetime, *, keep: bool = True) -> None:
    """A join as the service records it: the membership row (unless they have since left)
    and the member.joined event, both dated ``when``."""
    if keep:
        Membership.objects.create(space=space, user=user, role=Role.MEMBER, joined_at=when)
    _event(space, user, "member.joined", when, role=Role.MEMBER, via="invitation")


def _event(space: Space, user: User, kind: str, when: datetime, **extra: object) -> None:
    with transaction.atomic():
        event = emit(kind=kind, actor=user, space=space, data={"member": person(user), **extra})
    Event.objects.filter(pk=event.pk).update(created_at=when)


def _message(thread: Thread, author: User, when: datetime, *, deleted: bool = False) -> Message:
    return Message.objects.create(thread=thread, author=author, body="…", html="<p>…</p>",
                                  created_at=when, deleted_at=when if deleted else None)


def _thread(space: Space, author: User, when: datetime) -> tuple[Thread, Message]:
    thread = Thread.objects.create(space=space, title="Fil", author=author, created_at=when,
                                   last_activity_at=when)
    return thread, _message(thread, author, when)


def _document(space: Space, user: User, when: datetime, *, trashed: bool = False) -> None:
    document = Document.objects.create(space=space, title="Doc", uploader=user, created_at=when,
                                       deleted_at=when if trashed else None)
    version = DocumentVersion.objects.create(
        document=document, number=1, storage_key=f"k-{document.pk}", original_name="a.pdf",
        size=10, content_type="application/pdf", sha256="0" * 64, uploaded_by=user,
        created_at=when)
    Document.objects.filter(pk=document.pk).update(current_version=version)


def _meeting(space: Space, mode: str, when: datetime, *, attendees: list[User] | None = None,
             guests: int = 0, cancelled: bool = False) -> Meeting:
    meeting = Meeting.objects.create(
        space=space, title="Rencontre", starts_at=when, ends_at=when.replace(hour=when.hour + 1),
        mode=mode, address="" if mode == MeetingMode.VIRTUAL else "Hôtel de ville",
        video_url="" if mode == MeetingMode.IN_PERSON else "https://zoom.us/j/1",
        guests=guests, cancelled_at=when if cancelled else None,
        attendance_recorded_at=when if attendees is not None else None)
    for user in attendees or []:
        Attendance.objects.create(meeting=meeting, user=user, presence=Presence.ONLINE,
                                  recorded_at=when)
    return meeting


def build_world() -> World:
    a = Space.objects.create(slug="rma", name="Réseau Municipalités accessibles")
    b = Space.objects.create(slug="mae", name="Municipalité amie des enfants")
    c = Space.objects.create(slug="vs", name="Voisins solidaires")
    names = {"F": "Florence Animatrice", "M1": "Marc Membre", "M2": "Mathis Membre",
             "M3": "Maude Membre", "M4": "Mélanie Membre", "M5": "Maxime Membre",
             "M6": "Martin Membre"}
    p = {key: make_user(f"{key.lower()}@exemple.qc.ca", name) for key, name in names.items()}

    # --- rma ---
    Membership.objects.create(space=a, user=p["F"], role=Role.FACILITATOR,
                              joined_at=at(2024, 1, 10))
    _joined(a, p["M1"], at(2024, 6, 1))
    _joined(a, p["M2"], at(2025, 6, 15))
    _joined(a, p["M3"], at(2025, 9, 1), keep=False)
    _event(a, p["M3"], "member.left", at(2026, 1, 10))
    _joined(a, p["M4"], at(2025, 10, 1), keep=False)
    _event(a, p["M4"], "member.left", at(2026, 5, 1))
    _joined(a, p["M5"], at(2026, 4, 15))

    t0, _first = _thread(a, p["M1"], at(2025, 3, 20))
    _message(t0, p["M3"], at(2025, 9, 5))
    t1, t1_first = _thread(a, p["F"], at(2025, 5, 10))
    _message(t1, p["M1"], at(2025, 5, 11))
    _message(t1, p["M2"], at(2025, 11, 20), deleted=True)
    _thread(a, p["M1"], at(2026, 4, 2))
    Reaction.objects.create(message=t1_first, user=p["M4"], emoji="👍",
                            created_at=at(2025, 12, 1))
    Reaction.objects.create(message=t1_first, user=p["M5"], emoji="🎉",
                            created_at=at(2026, 4, 10))
    _document(a, p["M1"], at(2025, 8, 1))
    _document(a, p["F"], at(2025, 9, 9), trashed=True)

    _meeting(a, MeetingMode.VIRTUAL, at(2025, 6, 10), attendees=[p["F"], p["M1"]], guests=3)
    _meeting(a, MeetingMode.IN_PERSON, at(2025, 10, 15),
             attendees=[p["M1"], p["M2"], p["M4"]], guests=10)
    _meeting(a, MeetingMode.HYBRID, at(2026, 2, 20), cancelled=True)
    _meeting(a, MeetingMode.HYBRID, at(2026, 3, 5))
    _meeting(a, MeetingMode.VIRTUAL, at(2025, 3, 15), attendees=[p["M1"]], guests=4)
    later = _meeting(a, MeetingMode.VIRTUAL, at(2026, 4, 20))
    Rsvp.objects.create(meeting=later, user=p["M5"], answer=Answer.YES,
                        answered_at=at(2026, 4, 1), updated_at=at(2026, 4, 1))

    # --- mae ---
    Membership.objects.create(space=b, user=p["M2"], role=Role.MEMBER, joined_at=at(2024, 2, 1))
    _joined(b, p["F"], at(2025, 5, 1))
    Membership.objects.filter(space=b, user=p["F"]).update(role=Role.FACILITATOR)
    _joined(b, p["M6"], at(2024, 3, 1), keep=False)
    _event(b, p["M6"], "member.removed", at(2025, 12, 1), by=person(p["F"]))

    t3, _first = _thread(b, p["M2"], at(2025, 7, 1))
    _message(t3, p["F"], at(2026, 3, 31, 23, 30))
    _message(t3, p["M2"], at(2026, 4, 1, 0, 10))
    held = _meeting(b, MeetingMode.VIRTUAL, at(2025, 11, 5), attendees=[p["M6"]])
    Rsvp.objects.create(meeting=held, user=p["M2"], answer=Answer.YES,
                        answered_at=at(2025, 10, 20), updated_at=at(2025, 10, 20))
    _document(b, p["M2"], at(2024, 12, 1))
    return World(a=a, b=b, c=c, people=p)
