"""The rules of a space in one module: who reads it, who runs it, who may grant which role.
Services, selectors, the API and the pages all ask communities.access, so these answers are
the ones every entry point gives."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from communities import access
from communities.errors import Forbidden
from communities.models import Membership, Role, User
from tests.conftest import People

pytestmark = pytest.mark.django_db


def deactivated(user: User) -> User:
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()
    return user


def test_staff_count_as_staff_only_while_their_account_is_active(people: People) -> None:
    assert access.is_platform_staff(people.staff)
    assert not access.is_platform_staff(people.facilitator)
    assert not access.is_platform_staff(deactivated(people.staff))


def test_members_and_staff_read_a_space_outsiders_do_not(people: People) -> None:
    space_id = people.space.pk
    assert access.may_read_space(user=people.member, space_id=space_id)
    assert access.may_read_space(user=people.staff, space_id=space_id)
    assert not access.may_read_space(user=people.outsider, space_id=space_id)


def test_require_member_lets_staff_through_without_a_membership(people: People) -> None:
    assert access.require_member(user=people.member, space=people.space) is not None
    assert access.require_member(user=people.staff, space=people.space) is None
    with pytest.raises(Forbidden) as refused:
        access.require_member(user=people.outsider, space=people.space)
    assert refused.value.code == "forbidden"
    assert "Vous ne faites pas partie de cet espace" in str(refused.value.message)


def test_facilitators_admins_and_staff_run_the_space_members_do_not(people: People) -> None:
    admin = User.objects.create_user("ada@exemple.qc.ca", "mot-de-passe-solide-42",
                                     display_name="Ada Admin")
    Membership.objects.create(space=people.space, user=admin, role=Role.ADMIN)

    def runs(user: User) -> bool:
        return access.may_manage(access.membership_of(user=user, space=people.space), user)

    assert runs(people.facilitator)
    assert runs(admin)
    assert runs(people.staff)
    assert not runs(people.member)
    assert not runs(people.outsider)
    assert not runs(deactivated(people.staff))


def test_require_manager_refuses_a_member_in_french(people: People) -> None:
    assert access.require_manager(user=people.facilitator, space=people.space) is not None
    assert access.require_manager(user=people.staff, space=people.space) is None
    with pytest.raises(Forbidden) as refused:
        access.require_manager(user=people.member, space=people.space)
    assert "Seules les personnes qui animent ou administrent" in str(refused.value.message)


def test_only_admins_and_staff_hand_out_the_admin_role(people: People) -> None:
    facilitation = access.membership_of(user=people.facilitator, space=people.space)
    assert facilitation is not None
    assert access.may_grant(user=people.facilitator, membership=facilitation,
                            role=Role.FACILITATOR)
    assert not access.may_grant(user=people.facilitator, membership=facilitation,
                                role=Role.ADMIN)
    assert access.may_grant(user=people.staff, membership=None, role=Role.ADMIN)
    Membership.objects.filter(pk=facilitation.pk).update(role=Role.ADMIN)
    facilitation.refresh_from_db()
    assert access.may_grant(user=people.facilitator, membership=facilitation, role=Role.ADMIN)


def test_the_access_module_imports_no_other_app_of_the_project() -> None:
    source = Path(access.__file__).read_text(encoding="utf-8")
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    assert roots <= {"__future__", "django", "communities"}
