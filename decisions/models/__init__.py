"""Decisions taken and action items agreed in a space, each tied to the meeting or thread it
came from, and the claims that make each action reminder go out once."""

from decisions.models.records import ActionItem, ActionStatus, Decision
from decisions.models.reminders import ActionReminder

__all__ = ["ActionItem", "ActionReminder", "ActionStatus", "Decision"]
