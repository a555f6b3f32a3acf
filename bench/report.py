"""The activity report on a year of realistic activity: server time and query count of the
all-spaces report, against a baseline in the same run that computes the same figures one
space at a time (what the report would cost if each space were its own query set).

    python -m bench.report [--spaces 6] [--members 150] [--messages 20000] [--repeat 20]
                           [--database-url URL]

Creates a fresh PostgreSQL database ``bench_report`` and loads ``--spaces`` spaces with
``--members`` members each (drawn from a shared pool, so people belong to several spaces), a
fiscal year of messages, reactions, documents, membership events and meetings of each mode
with attendance, guests and RSVPs. Then times, through Django's full request handling in this
process: the all-spaces report page, its CSV, ``activity_report`` for every space at once,
and the baseline (``activity_report`` called once per space). Writes
bench/results/report-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import percentile
from bench.search import recreate_database, setup_django

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_report"


def load(spaces: int, members: int, messages: int, rng: random.Random) -> None:
    from django.db import transaction

    from communities.events import emit
    from communities.models import Event, Membership, Message, Reaction, Role, Space, Thread, User
    from communities.serializers import person
    from docs_store.models import Document, DocumentVersion
    from meetings.models import Answer, Attendance, Meeting, MeetingMode, Presence, Rsvp
    from reports.periods import fiscal_year

    year = fiscal_year(2025)
    start = year.starts_at

    def moment() -> datetime:
        return start + timedelta(seconds=rng.randrange(365 * 86400))

    pool = User.objects.bulk_create([
        User(email=f"p{i}@bench.invalid", display_name=f"Personne {i}", password="!")  # noqa: S106 - unusable on purpose
        for i in range(members * 2)])
    for s in range(spaces):
        space = Space.objects.create(slug=f"espace-{s}", name=f"Communauté de pratique {s}")
        people = rng.sample(pool, members)
        Membership.objects.bulk_create([
            Membership(space=space, user=p, role=Role.FACILITATOR if i == 0 else Role.MEMBER,
                       joined_at=moment() if i % 4 == 0 else start - timedelta(days=400))
            for i, p in enumerate(people)])
        # Some people joined and left during the year: only the log remembers them.
        for p in rng.sample([u for u in pool if u not in people], members // 10):
            for kind, extra in (("member.joined", {"role": "member", "via": "invitation"}),
                                ("member.left", {})):
                with transaction.atomic():
                    event = emit(kind=kind, actor=p, space=space,
                                 data={"member": person(p), **extra})
                Event.objects.filter(pk=event.pk).update(created_at=moment())
        threads = [Thread.objects.create(space=space, title=f"Fil {t}", author=rng.choice(people),
                                         created_at=moment()) for t in range(messages // 40)]
        rows = [Message(thread=rng.choice(threads), author=rng.choice(people), body="…",
                        html="<p>…</p>", created_at=moment()) for _ in range(messages // spaces)]
        created = Message.objects.bulk_create(rows, batch_size=2000)
        Reaction.objects.bulk_create([
            Reaction(message=rng.choice(created), user=rng.choice(people), emoji="👍",
                     created_at=moment()) for _ in range(len(created) // 2)],
            ignore_conflicts=True, batch_size=2000)
        for d in range(50):
            when = moment()
            document = Document.objects.create(space=space, title=f"Doc {d}",
                                               uploader=rng.choice(people), created_at=when)
            DocumentVersion.objects.create(document=document, number=1,
                                           storage_key=f"bench/{s}/{d}", original_name="a.pdf",
                                           size=1, content_type="application/pdf",
                                           sha256="0" * 64, uploaded_by=document.uploader,
                                           created_at=when)
        for m in range(12):
            when = moment()
            mode = rng.choice(list(MeetingMode))
            meeting = Meeting.objects.create(
                space=space, title=f"Rencontre {m}", starts_at=when,
                ends_at=when + timedelta(hours=2), mode=mode,
                address="Hôtel de ville" if mode != MeetingMode.VIRTUAL else "",
                video_url="https://zoom.us/j/1" if mode != MeetingMode.IN_PERSON else "",
                guests=rng.randrange(10), attendance_recorded_at=when + timedelta(hours=3))
            attendees = rng.sample(people, min(20, len(people)))
            Rsvp.objects.bulk_create([Rsvp(meeting=meeting, user=p, answer=Answer.YES,
                                           answered_at=when - timedelta(days=3),
                                           updated_at=when - timedelta(days=3))
                                      for p in attendees])
            Attendance.objects.bulk_create([Attendance(meeting=meeting, user=p,
                                                       presence=Presence.ONLINE)
                                            for p in attendees[:15]])


def timed(action: Any, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        action()
    return {"p50_ms": round(percentile(timings, 0.5), 1),
            "p95_ms": round(percentile(timings, 0.95), 1), "queries": len(queries)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spaces", type=int, default=6)
    parser.add_argument("--members", type=int, default=150)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args(argv)

    recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from communities.models import Space, User
    from reports.figures import activity_report
    from reports.periods import fiscal_year

    settings.ALLOWED_HOSTS = ["testserver"]
    load(args.spaces, args.members, args.messages, random.Random(2025))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a real database
    staff = User.objects.create(email="staff@bench.invalid", display_name="Personnel",
                                is_staff=True)
    client = Client()
    client.force_login(staff)
    spaces = list(Space.objects.order_by("name"))
    year = fiscal_year(2025)
    query = {"exercice": "2025"}

    def page() -> None:
        assert client.get(reverse("all-spaces-report"), query).status_code == 200

    def export() -> None:
        assert client.get(reverse("all-spaces-report-csv"), query).status_code == 200

    results: dict[str, Any] = {
        "spaces": args.spaces, "members": args.members, "messages": args.messages,
        "repeat": args.repeat,
        "page": timed(page, args.repeat),
        "csv": timed(export, args.repeat),
        "report_all_at_once": timed(lambda: activity_report(spaces=spaces, period=year),
                                    args.repeat),
        "baseline_one_space_at_a_time": timed(
            lambda: [activity_report(spaces=[s], period=year) for s in spaces], args.repeat),
    }
    ratio = (results["baseline_one_space_at_a_time"]["p50_ms"]
             / results["report_all_at_once"]["p50_ms"])
    results["ratio_baseline_over_report"] = round(ratio, 2)

    print(f"{'what':<36} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for key in ("page", "csv", "report_all_at_once", "baseline_one_space_at_a_time"):
        row = results[key]
        print(f"{key:<36} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['queries']:>8}")
    print(f"baseline / report (p50): {results['ratio_baseline_over_report']}×")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"report-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
