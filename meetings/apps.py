from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Meetings of a space: scheduling, RSVP and waiting list, calendars, reminders,
    attendance and minutes."""

    name = "meetings"

    def ready(self) -> None:
        from meetings import signals  # noqa: F401  (connects the receivers)
