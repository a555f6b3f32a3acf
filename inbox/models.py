from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from communities.models import Space

#: The bounded plain-text excerpt an item carries (no Markdown: readers see words only).
SNIPPET_CHARS = 200


class InboxItem(models.Model):
    """Something that asks for one person's attention, with where to go to see it."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="inbox_items")
    kind = models.CharField(max_length=40)
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    # What the item is about ("message:12", "meeting:4:v2"): one item per person and subject,
    # so a mention that is also a reply, or an event handled twice, gives one item.
    subject = models.CharField(max_length=80)
    # Items about the same conversation ("thread:7"): while one is unread, replies in that
    # thread add no other, so a busy thread is one line, not fifty.
    topic = models.CharField(max_length=80, blank=True)
    title = models.CharField(max_length=200)
    snippet = models.CharField(max_length=SNIPPET_CHARS + 1, blank=True)
    target = models.CharField(max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    # When the meeting (or the poll's first slot) takes place, shown in the reader's language.
    occurs_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "subject"],
                                               name="one_inbox_item_per_subject")]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"],
                                name="inbox_item_unread")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"
