"""Namesakes: two people of a shared space with the same display name are told apart wherever
a name is shown. The mark is decided here, when a membership brings such a pair together, and
stored on each person, so pages, payloads and emails read it with the person at no cost."""

from __future__ import annotations

from collections import Counter

from communities.mentions import fold
from communities.models import Membership, Namesake, Space, User


def tell_apart(*, space: Space, user: User) -> None:
    """Mark ``user`` and the members of ``space`` who share their name. Each is told apart by
    their organisation when no other of them has the same one, else by their member number.
    A mark is never removed: someone seen once with a label keeps it, so a name never
    silently becomes ambiguous again in older pages and emails."""
    wanted = fold(user.display_name)
    group = [(pk, organisation) for pk, name, organisation in
             Membership.objects.filter(space=space).exclude(user=user)
             .values_list("user_id", "user__display_name", "user__organisation")
             if fold(name) == wanted]
    if not group:
        return
    group.append((user.pk, user.organisation))
    shared = Counter(fold(organisation) for _pk, organisation in group)
    by_mark: dict[int, list[int]] = {}
    for pk, organisation in group:
        unique = bool(organisation.strip()) and shared[fold(organisation)] == 1
        mark = int(Namesake.BY_ORGANISATION if unique else Namesake.BY_NUMBER)
        by_mark.setdefault(mark, []).append(pk)
        if pk == user.pk:
            user.namesake = mark
    for mark, pks in by_mark.items():
        User.objects.filter(pk__in=pks).update(namesake=mark)
