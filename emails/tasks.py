"""The work the commands enqueue through Django's Tasks API (run by the database worker)."""

from __future__ import annotations

from django_tasks import task

from emails import notifications
from emails.digest import sending


@task()
def send_digest_batch(*, frequency: str, period: str, user_ids: list[int]) -> dict[str, int]:
    result = sending.send_batch(frequency=frequency, period=period, user_ids=user_ids)
    return {"sent": len(result.sent), "empty": len(result.empty),
            "skipped": len(result.skipped)}


@task()
def send_notifications() -> dict[str, int]:
    added = notifications.collect()
    result = notifications.send_due()
    return {"collected": added, "sent": len(result.sent), "folded": len(result.folded),
            "dropped": len(result.dropped)}
