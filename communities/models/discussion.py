"""The minimal discussion the spine carries: threads and their messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from communities.models.spaces import Space


class Thread(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    message_count = models.PositiveIntegerField(default=0)
    pinned_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    # A question waits for one reply its author or a facilitator marks as the answer.
    is_question = models.BooleanField(default=False)
    answer = models.ForeignKey("Message", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    # Posted by a facilitator as an announcement: pinned when posted and emailed at once to
    # every member who has not turned announcements off. Unpinning keeps the flag.
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["space", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField()
    html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    # Chosen by the client so a retried post returns the original instead of a duplicate.
    client_id = models.CharField(max_length=64, blank=True, default="")
    # Seq of the event that announced this message, so a retried post can answer with it.
    created_seq = models.BigIntegerField(null=True, editable=False)
    reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    edited_at = models.DateTimeField(null=True, blank=True)
    # A deleted message stays as a tombstone so replies and positions keep their meaning.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "created_at"]),
            # Counting unread messages reads this index alone (an index-only scan): the
            # columns the count filters on are carried in it, so no message row is visited.
            models.Index(fields=["thread", "id"], include=["created_at", "author", "deleted_at"],
                         name="message_unread_count"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=~Q(client_id=""),
                name="one_message_per_client_id",
            )
        ]

    def __str__(self) -> str:
        return f"message #{self.pk}"


class MessageRevision(models.Model):
    """An earlier wording of a message, kept when it is edited; members can read them."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    html = models.TextField()
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"revision of #{self.message_id}"


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    emoji = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user", "emoji"],
                                    name="one_reaction_per_person_and_emoji")
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on #{self.message_id}"


class ReadPosition(models.Model):
    """How far a member has read a thread: the id of the last message they have seen."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="read_positions")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_positions")
    last_read_message = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="one_read_position")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_message}"
