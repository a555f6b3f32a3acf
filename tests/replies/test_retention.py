"""What reply by email stores is deleted once it no longer serves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from replies.addresses import reply_address
from replies.models import InboundMail, ReplyAddress

pytestmark = pytest.mark.django_db


def test_old_addresses_and_old_mail_log_are_pruned_and_recent_ones_kept(people, thread,
                                                                        capsys):
    now = timezone.now()
    reply_address(user=people.member, thread=thread)  # still valid
    reply_address(user=people.other_member, thread=thread)
    reply_address(user=people.facilitator, thread=thread)
    rows = list(ReplyAddress.objects.order_by("pk"))
    ReplyAddress.objects.filter(pk=rows[1].pk).update(expires_at=now - timedelta(days=5))
    ReplyAddress.objects.filter(pk=rows[2].pk).update(expires_at=now - timedelta(days=31))
    InboundMail.objects.create(message_key="a" * 64, recipient="reply+x", outcome="posted",
                               received_at=now - timedelta(days=31))
    InboundMail.objects.create(message_key="b" * 64, recipient="reply+x", outcome="posted")

    call_command("prune_reply_data")

    assert list(ReplyAddress.objects.order_by("pk")) == rows[:2]
    assert list(InboundMail.objects.values_list("message_key", flat=True)) == ["b" * 64]
    assert ("1 adresse(s) de réponse et 1 courriel(s) reçu(s) supprimé(s)."
            in capsys.readouterr().out)
