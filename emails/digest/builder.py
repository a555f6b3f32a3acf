"""Build the digests of a batch of members and render them as messages.

The cost in queries is fixed per batch: one for the space events of every window, what each
section's ``prepare`` reads (one or two), one insert for every join-back link of every digest
and one for every reply-by-email address.
Nothing is read per member, which ``tests/emails/test_digest_queries.py`` pins at two batch
sizes."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.models import Event
from emails import joinlinks, replying, unsubscribe
from emails.digest.content import Digest, Recipient, SectionContent, SpaceDigest
from emails.digest.sections import Batch, Section, default_sections
from emails.models import DigestFrequency, JoinLink
from emails.outgoing import compose, in_language, language_of, new_message_id


def build(recipients: Sequence[Recipient],
          sections: Sequence[Section] | None = None) -> list[Digest]:
    """The digests of ``recipients``, empty ones included (the caller records them as such),
    with every link issued."""
    if not recipients:
        return []
    sections = list(sections) if sections is not None else default_sections()
    space_ids = {space.pk for r in recipients for space in r.spaces}
    kinds = set().union(*(section.kinds for section in sections))
    events = list(
        Event.objects.filter(space_id__in=space_ids, kind__in=kinds,
                             created_at__gt=min(r.since for r in recipients),
                             created_at__lte=max(r.until for r in recipients))
        .only("space_id", "kind", "actor_id", "payload", "created_at")
        .order_by("created_at", "id")
    ) if space_ids and kinds else []
    batch = Batch(events)
    for section in sections:
        section.prepare(recipients=recipients, batch=batch)
    digests = []
    for recipient in recipients:
        with in_language(language_of(recipient.user)):
            digests.append(_digest_of(recipient, sections, batch))
    with_news = [d for d in digests if not d.is_empty]
    _issue_links(with_news)
    _reply_addresses(with_news)
    return digests


def _reply_addresses(digests: Sequence[Digest]) -> None:
    """A reply-by-email address per (member, thread) of the batch, in one insert."""
    pairs = {(digest.recipient.user.pk, item.thread_id): digest.recipient.user
             for digest in digests for item in digest.items() if item.thread_id}
    if not pairs:
        return
    addresses = replying.addresses_for((user, thread_id) for (_uid, thread_id), user
                                       in pairs.items())
    for digest in digests:
        for item in digest.items():
            if item.thread_id:
                item.reply_address = addresses[(digest.recipient.user.pk, item.thread_id)]


def _digest_of(recipient: Recipient, sections: Sequence[Section], batch: Batch) -> Digest:
    blocks = []
    for space in recipient.spaces:
        contents = []
        for section in sections:
            events = batch.window(recipient, space, section.kinds)
            items = section.items(recipient=recipient, space=space, events=events)
            if items:
                # Newest first, and only the first few: the space link leads to the rest.
                shown = items if section.ranked else items[::-1]
                contents.append(SectionContent(key=section.key, heading=section.heading,
                                               items=shown[:section.limit],
                                               more=max(0, len(items) - section.limit)))
        if contents:
            blocks.append(SpaceDigest(
                space=space, sections=contents,
                unsubscribe_url=unsubscribe.links_for(user=recipient.user, space=space).url))
    return Digest(recipient=recipient, spaces=blocks,
                  extra={"days": settings.JOIN_LINK_DAYS})


def _issue_links(digests: Sequence[Digest]) -> None:
    """Every link of every digest, in one insert."""
    pending: list[tuple[JoinLink, str, object, str]] = []
    preferences = reverse("emails:preferences")
    for digest in digests:
        user = digest.recipient.user
        link, raw = joinlinks.new_link(user=user, target=preferences, space=None)
        pending.append((link, raw, digest, "preferences_link"))
        for block in digest.spaces:
            link, raw = joinlinks.new_link(user=user, space=block.space,
                                           target=reverse("space", args=[block.space.slug]))
            pending.append((link, raw, block, "space_link"))
            for section in block.sections:
                for item in section.items:
                    link, raw = joinlinks.new_link(user=user, target=item.target,
                                                   space=block.space)
                    pending.append((link, raw, item, "link"))
                    for action in item.actions:
                        link, raw = joinlinks.new_link(user=user, target=action.target,
                                                       space=block.space, action=action.effect)
                        pending.append((link, raw, action, "link"))
    JoinLink.objects.bulk_create([link for link, _raw, _owner, _attr in pending])
    for _link, raw, owner, attribute in pending:
        setattr(owner, attribute, joinlinks.landing_url(raw))


def subject_of(digest: Digest) -> str:
    """In the current language (callers wrap it in ``in_language``)."""
    if digest.recipient.frequency == DigestFrequency.DAILY:
        return _("Votre résumé du jour — Espace collaboratif")
    return _("Votre résumé de la semaine — Espace collaboratif")


def render(digest: Digest) -> EmailMultiAlternatives:
    user = digest.recipient.user
    language = language_of(user)
    with in_language(language):
        subject = subject_of(digest)
    return compose(
        to=user.email, language=language, subject=subject, template="emails/mail/digest",
        context={"digest": digest, "user": user, "frequency": digest.recipient.frequency},
        unsubscribe=unsubscribe.links_for(user=user),
        message_id=new_message_id(key=f"digest.{digest.recipient.delivery_id}")
        if digest.recipient.delivery_id else None,
    )
