"""Load demo/activity.py (documents, meetings, a date poll, a message with a file)
through the services of docs_store and meetings, for ``manage.py load_demo``.

Like the command, it sits above every domain app, which is why the demo is an app of its own:
none of them has to know it. Each item is found again by its space and title, so a second
run leaves it as it is; an item is created whole (a meeting with its attendance or answers,
a poll with its votes) or not at all.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from communities.models import Space, Thread, User
from communities.services.discussion import post_message, start_thread
from demo import activity as data
from demo.decisions_loader import load_decisions
from docs_store.models import Document, Folder
from docs_store.services import create_folder, upload_document
from meetings.models import DatePoll, Meeting
from meetings.services.attendance import record_attendance
from meetings.services.polls import open_poll, vote
from meetings.services.rsvp import answer_meeting
from meetings.services.scheduling import record_held_meeting, schedule_meeting
from meetings.timezones import MEETING_TIME_ZONE


def load_activity(*, people: dict[str, User], spaces: dict[str, Space], organiser: User,
                  created: Counter[str], kept: Counter[str], stored: list[str]) -> None:
    """``organiser`` facilitates every demo space. ``stored`` receives the storage keys of the
    files uploaded, so that the caller can take them away if its transaction rolls back."""
    documents = _documents(spaces=spaces, organiser=organiser, created=created, kept=kept,
                           stored=stored)
    for meeting in data.MEETINGS:
        _meeting(meeting, people=people, space=spaces[meeting.space], organiser=organiser,
                 documents=documents, created=created, kept=kept)
    for poll in data.POLLS:
        _poll(poll, people=people, space=spaces[poll.space], organiser=organiser,
              created=created, kept=kept)
    for shared in data.ATTACHED_MESSAGES:
        _attached_message(shared, people=people, space=spaces[shared.space],
                          documents=documents, created=created, kept=kept)
    load_decisions(people=people, spaces=spaces, organiser=organiser, created=created,
                   kept=kept)


def _instant(when: data.When, now: datetime) -> tuple[datetime, datetime]:
    day = (now + timedelta(days=when.days)).astimezone(MEETING_TIME_ZONE).date()
    start = datetime(day.year, day.month, day.day, when.hour, when.minute,
                     tzinfo=MEETING_TIME_ZONE).astimezone(UTC)
    return start, start + timedelta(minutes=when.minutes_long)


def _documents(*, spaces: dict[str, Space], organiser: User, created: Counter[str],
               kept: Counter[str], stored: list[str]) -> dict[tuple[str, str], Document]:
    found: dict[tuple[str, str], Document] = {}
    folders: dict[tuple[str, str], Folder] = {}
    for seed in data.DOCUMENTS:
        space = spaces[seed.space]
        folder = folders.get((seed.space, seed.folder))
        if folder is None:
            folder = Folder.objects.filter(space=space, parent=None, name=seed.folder).first()
            if folder is None:
                folder = create_folder(actor=organiser, space=space, name=seed.folder)
                created["dossiers"] += 1
            else:
                kept["dossiers"] += 1
            folders[(seed.space, seed.folder)] = folder
        document = Document.objects.filter(space=space, title=seed.title).first()
        if document is None:
            document = upload_document(actor=organiser, space=space,
                                       file=io.BytesIO(seed.content), file_name=seed.file_name,
                                       title=seed.title, description=seed.description,
                                       folder=folder)
            assert document.current_version is not None
            stored.append(document.current_version.storage_key)
            created["documents"] += 1
        else:
            kept["documents"] += 1
        found[(seed.space, seed.title)] = document
    return found


def _usable(document: Document | None) -> Document | None:
    # Someone trying the demo may have put a document in the trash; it can no longer be
    # linked, and the demo must still load.
    return document if document is not None and document.deleted_at is None else None


def _meeting(seed: data.DemoMeeting, *, people: dict[str, User], space: Space,
             organiser: User, documents: dict[tuple[str, str], Document],
             created: Counter[str], kept: Counter[str]) -> None:
    if Meeting.objects.filter(space=space, title=seed.title).exists():
        kept["rencontres"] += 1
        return
    starts_at, ends_at = _instant(seed.when, timezone.now())
    if seed.held:
        meeting = record_held_meeting(actor=organiser, space=space, title=seed.title,
                                      starts_at=starts_at, ends_at=ends_at, mode=seed.mode,
                                      agenda=seed.agenda, address=seed.address,
                                      video_url=seed.video_url)
        minutes_document = _usable(documents.get((seed.space, seed.minutes_document)))
        record_attendance(
            actor=organiser, meeting=meeting,
            attendees={people[email].pk: presence for email, presence in seed.attendees},
            guests=seed.guests, minutes=seed.minutes,
            minutes_document_id=minutes_document.pk if minutes_document else None)
    else:
        meeting = schedule_meeting(actor=organiser, space=space, title=seed.title,
                                   starts_at=starts_at, ends_at=ends_at, mode=seed.mode,
                                   agenda=seed.agenda, address=seed.address,
                                   video_url=seed.video_url, capacity=seed.capacity)
        for email, answer in seed.answers:
            answer_meeting(actor=people[email], meeting=meeting, answer=answer)
    created["rencontres"] += 1


def _poll(seed: data.DemoPoll, *, people: dict[str, User], space: Space, organiser: User,
          created: Counter[str], kept: Counter[str]) -> None:
    if DatePoll.objects.filter(space=space, title=seed.title).exists():
        kept["sondages"] += 1
        return
    now = timezone.now()
    poll = open_poll(actor=organiser, space=space, title=seed.title, agenda=seed.agenda,
                     slots=[_instant(when, now) for when in seed.slots], mode=data.VIRTUAL,
                     video_url=data.VIDEO_URL)
    # The service keeps the slots in time order, which is the order of the seed's.
    slots = list(poll.slots.order_by("starts_at", "pk"))
    for email, answers in seed.votes:
        vote(actor=people[email], poll=poll,
             answers={slot.pk: answer for slot, answer in zip(slots, answers, strict=True)})
    created["sondages"] += 1


def _attached_message(seed: data.DemoAttachedMessage, *, people: dict[str, User],
                      space: Space, documents: dict[tuple[str, str], Document],
                      created: Counter[str], kept: Counter[str]) -> None:
    if Thread.objects.filter(space=space, title=seed.title).exists():
        kept["fils"] += 1
        return
    document = _usable(documents.get((seed.space, seed.document)))
    thread = start_thread(actor=people[seed.author], space=space, title=seed.title,
                          body=seed.body,
                          attachments=[document.pk] if document else []).thread
    for author, body in seed.replies:
        post_message(actor=people[author], thread=thread, body=body)
    created["fils"] += 1
    created["messages"] += 1 + len(seed.replies)
