from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Meetings of a space: scheduling, RSVP and waiting list, calendars, reminders,
    attendance and minutes."""

    name = "meetings"

    def ready(self) -> None:
        from emails import actions
        from emails.digest.sections import register_section
        from meetings import signals  # noqa: F401  (connects the receivers)
        from meetings.digest import UpcomingMeetings, WaitingPolls
        from meetings.link_actions import AnswerMeeting
        from meetings.rsvp_links import RSVP

        # Mail knows nothing of meetings: meetings tells it what to add to digests and what
        # the buttons of its emails may do.
        register_section(UpcomingMeetings)
        register_section(WaitingPolls)
        actions.register(RSVP, AnswerMeeting())
