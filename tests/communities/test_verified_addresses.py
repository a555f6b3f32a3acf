"""Accounts keep working through the move to django-allauth: the migration gives every existing
account its verified address, and every account made since (an invitation followed, staff)
has one from the start, so signing in by code or by password finds it."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from communities.models import User
from communities.services.spaces import accept_invitation, invite_member
from tests.clients import PASSWORD
from tests.conftest import People

BEFORE = [("communities", "0008_questions_and_answers")]
ALLAUTH = ("account", "0009_emailaddress_unique_primary_email")
AFTER = [("communities", "0009_verified_email_addresses")]


def migrate(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([*targets, ALLAUTH]).apps


def migrate_to_latest() -> None:
    # The tests that follow share this database: leave it with every migration applied.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_migration_verifies_the_address_of_every_existing_account(uses_postgres) -> None:
    try:
        _migrate_and_check()
    finally:
        migrate_to_latest()


def _migrate_and_check() -> None:
    old = migrate(BEFORE)
    OldUser = old.get_model("communities", "User")
    OldAddress = old.get_model("account", "EmailAddress")
    OldAddress.objects.all().delete()
    first = OldUser.objects.create(email="ancienne@exemple.qc.ca", display_name="Ancienne",
                                   password="!")
    second = OldUser.objects.create(email="ancien@exemple.qc.ca", display_name="Ancien",
                                    password="!")
    # One account already had its row (allauth used before the migration ran): left alone.
    OldAddress.objects.create(user_id=second.pk, email="ancien@exemple.qc.ca", primary=True,
                              verified=False)
    migrate(AFTER)
    rows = {row.user_id: row for row in EmailAddress.objects.all()}
    assert set(rows) == {first.pk, second.pk}
    assert rows[first.pk].email == "ancienne@exemple.qc.ca"
    assert rows[first.pk].verified and rows[first.pk].primary
    assert not rows[second.pk].verified


@pytest.mark.postgres
def test_an_account_made_from_an_invitation_has_its_address_verified(people: People,
                                                                     uses_postgres) -> None:
    token = invite_member(actor=people.facilitator, space=people.space,
                          email="Nadia@Exemple.qc.ca").token
    membership = accept_invitation(raw_token=token, display_name="Nadia Nouvelle",
                                   password=PASSWORD)
    (address,) = EmailAddress.objects.filter(user=membership.user)
    assert address.email == "nadia@exemple.qc.ca"
    assert address.verified and address.primary


@pytest.mark.postgres
def test_existing_accounts_sign_in_as_before(people: People, uses_postgres) -> None:
    assert EmailAddress.objects.filter(user=people.member, verified=True).exists()
    client = Client()
    answer = client.post("/connexion/", {"username": "MARC@exemple.qc.ca", "password": PASSWORD})
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert client.session["_auth_user_id"] == str(people.member.pk)
    assert User.objects.get(pk=people.member.pk).email == "marc@exemple.qc.ca"
