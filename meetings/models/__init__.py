"""Meetings and everything attached to one: answers (RSVP), attendance, reminders sent, and
each member's calendar feed."""

from meetings.models.attendance import Attendance, Presence
from meetings.models.feeds import CalendarFeed
from meetings.models.meetings import Meeting, MeetingMode
from meetings.models.polls import DatePoll, PollAnswer, PollSlot, PollVote
from meetings.models.reminders import ReminderDelivery, SpaceMeetingSettings
from meetings.models.rsvp import Answer, Rsvp

__all__ = [
    "Answer",
    "Attendance",
    "CalendarFeed",
    "DatePoll",
    "Meeting",
    "MeetingMode",
    "PollAnswer",
    "PollSlot",
    "PollVote",
    "Presence",
    "ReminderDelivery",
    "Rsvp",
    "SpaceMeetingSettings",
]
