"""``manage.py load_demo``: load demo/content.py and demo/activity.py through the
services.

`make run` calls it on every start, so it must be idempotent: spaces (by slug), people (by
email), memberships, threads, folders, documents, meetings and polls (by space and title or
name) that already exist are left as they are.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communities.errors import ServiceError
from communities.models import Membership, Role, Space, Thread, User
from communities.services.discussion import post_message, start_thread
from communities.services.spaces import add_member, create_space
from demo import content as demo
from demo.activity_loader import load_activity
from demo.committees import load_committees
from demo.profiles import give_profiles
from docs_store.storing import discard


class Command(BaseCommand):
    help = ("Charge les données de démonstration (DEBUG seulement). / "
            "Loads the demo data (DEBUG only).")

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo password is public (the Makefile prints it): these accounts must never
        # reach a production database.
        if not settings.DEBUG:
            raise CommandError(
                "Refusé : DEBUG est désactivé. Les données de démonstration, au mot de passe "
                "public, ne se chargent qu'en développement. / Refused: DEBUG is off. The demo "
                "data, with its public password, is only loaded in development."
            )
        stored: list[str] = []
        try:
            # One transaction: a failure halfway leaves nothing behind, so the next run
            # starts clean instead of skipping half-loaded threads by title.
            with transaction.atomic():
                created, kept = _load(stored)
        except BaseException as error:
            # Uploaded files are written before the transaction that rolled back.
            for key in stored:
                discard(key)
            if isinstance(error, ServiceError):
                raise CommandError(f"{error.code}: {error}") from error
            raise
        if created:
            self.stdout.write(self.style.SUCCESS(f"Démonstration créée : {_summary(created)}."))
        else:
            self.stdout.write(self.style.SUCCESS("Démonstration déjà chargée : rien de nouveau."))
        if kept:
            self.stdout.write(f"Déjà présents, laissés tels quels : {_summary(kept)}.")


def _load(stored: list[str]) -> tuple[Counter[str], Counter[str]]:
    created: Counter[str] = Counter()
    kept: Counter[str] = Counter()

    people: dict[str, User] = {}
    # Hashing is most of a first load's time (0.4 s per account); every demo account has the
    # same public password, so one hash serves them all.
    password_hash = ""
    for seed in demo.PEOPLE:
        user = User.objects.filter(email=seed.email).first()
        if user is None:
            password_hash = password_hash or make_password(demo.DEMO_PASSWORD)
            # No account-creation service yet: an operator creating accounts is what this is.
            user = User.objects.create_user(
                seed.email, None, display_name=seed.display_name,
                organisation=seed.organisation, title=seed.title, region=seed.region,
                language=seed.language, is_staff=seed.is_staff,
            )
            user.password = password_hash
            user.save(update_fields=["password"])
            created["personnes"] += 1
        else:
            kept["personnes"] += 1
        people[seed.email] = user

    staff = people[demo.STAFF_EMAIL]
    if filled := give_profiles(people, demo.PEOPLE, staff):
        created["profils"] = filled
    spaces: dict[str, Space] = {}
    for space_seed in demo.SPACES:
        space = Space.objects.filter(slug=space_seed.slug).first()
        if space is None:
            space = create_space(actor=staff, slug=space_seed.slug, name=space_seed.name,
                                 description=space_seed.description, is_private=True)
            created["espaces"] += 1
        else:
            kept["espaces"] += 1
        spaces[space_seed.slug] = space

    for seed in demo.PEOPLE:
        roles = [(slug, Role.FACILITATOR) for slug in seed.facilitates]
        roles += [(slug, Role.MEMBER) for slug in seed.member_of]
        for slug, role in roles:
            # add_member keeps an existing membership silently; checking first lets the
            # summary say what really happened.
            if Membership.objects.filter(space=spaces[slug], user=people[seed.email]).exists():
                kept["adhésions"] += 1
                continue
            add_member(actor=staff, space=spaces[slug], user=people[seed.email], role=role)
            created["adhésions"] += 1

    for thread_seed in demo.THREADS:
        space = spaces[thread_seed.space]
        if Thread.objects.filter(space=space, title=thread_seed.title).exists():
            kept["fils"] += 1
            continue
        opening, *replies = thread_seed.messages
        thread = start_thread(actor=people[opening.author], space=space,
                              title=thread_seed.title, body=opening.body).thread
        for reply in replies:
            post_message(actor=people[reply.author], thread=thread, body=reply.body)
        created["fils"] += 1
        created["messages"] += len(thread_seed.messages)

    load_committees(people=people, spaces=spaces, created=created, kept=kept)
    load_activity(people=people, spaces=spaces, organiser=people[demo.FACILITATOR_EMAIL],
                  created=created, kept=kept, stored=stored)
    return created, kept


# Counted under their plural; one of a kind reads in the singular ("1 sondage").
_SINGULAR = {"espaces": "espace", "comités": "comité",
             "personnes": "personne", "adhésions": "adhésion",
             "fils": "fil", "messages": "message", "dossiers": "dossier",
             "documents": "document", "rencontres": "rencontre", "sondages": "sondage",
             "décisions": "décision", "suivis": "suivi"}


def _summary(counts: Counter[str]) -> str:
    return ", ".join(f"{counts[kind]} {_SINGULAR[kind] if counts[kind] == 1 else kind}"
                     for kind in _SINGULAR if counts[kind])
