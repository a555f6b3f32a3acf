"""The one place meetings react to a change made elsewhere: a membership that ends frees
the seats its person held. A signal rather than a call from communities/services so that
communities does not depend on meetings; the work itself is a meetings service."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from communities.models import Membership


@receiver(post_delete, sender=Membership, dispatch_uid="meetings-withdraw-departed")
def withdraw_answers_of_departed(sender: type[Membership], instance: Membership,
                                 origin: Any = None, **kwargs: Any) -> None:
    # Only when the membership itself was deleted (leave, removal): when a whole space or
    # account is being deleted, its meetings and answers go with it and there is nobody to
    # tell.
    if origin is not instance:
        return
    from meetings.services.rsvp import withdraw_departed_member

    withdraw_departed_member(space_id=instance.space_id, user_id=instance.user_id)
