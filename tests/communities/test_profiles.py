"""The profile service: what it stores, what it refuses (in French, naming the field), the
event it emits, the tags it keeps bounded and the namesakes it tells apart."""

from __future__ import annotations

import pytest

from communities.errors import Forbidden, ServiceError
from communities.events import EVENT_SCHEMAS, PERSONAL_STREAM_KINDS
from communities.models import Event, ExpertiseTag, Namesake, User
from communities.services.profiles import (
    MAX_TAGS,
    ProfileInput,
    split_tags,
    update_profile,
)
from tests.conftest import People
from tests.events_helper import verify_action

pytestmark = pytest.mark.django_db


def _profile(**changes: object) -> ProfileInput:
    base: dict[str, object] = {"display_name": "Marc Membre", "organisation": "Ville de Laval",
            "municipality": "Laval", "region": "13", "kind": "municipal_staff",
            "title": "Conseiller en accessibilité", "bio": "Parcs et loisirs.",
            "expertise": ["Accessibilité universelle", "Loisirs"]}
    base.update(changes)
    return ProfileInput(**base)  # type: ignore[arg-type]


def test_a_profile_update_stores_every_field_and_emits_field_names_only(
        people: People) -> None:
    _user, [event] = verify_action(
        lambda: update_profile(actor=people.member, user=people.member,
                               data=_profile(mrc="", email_visible=True)),
        kinds=["profile.updated"])
    assert event.owner_id == people.member.pk and event.space_id is None
    assert set(event.payload["fields"]) >= {"municipality", "region", "kind", "title", "bio",
                                            "expertise", "email_visible"}
    # ids and field names only: no value a later edit would have to chase in the log
    assert "Laval" not in str(event.payload) and "Parcs" not in str(event.payload)
    stored = User.objects.get(pk=people.member.pk)
    assert (stored.region, stored.kind, stored.municipality) == ("13", "municipal_staff", "Laval")
    assert sorted(t.name for t in stored.expertise.all()) == ["Accessibilité universelle",
                                                              "Loisirs"]
    assert stored.email_visible is True


def test_the_event_kind_is_declared_on_the_personal_stream() -> None:
    assert EVENT_SCHEMAS["profile.updated"] == {"user", "fields"}
    assert {"profile.updated", "contact.sent"} <= PERSONAL_STREAM_KINDS


def test_saving_the_same_profile_twice_emits_nothing_the_second_time(people: People) -> None:
    update_profile(actor=people.member, user=people.member, data=_profile())
    before = Event.objects.count()
    verify_action(lambda: update_profile(actor=people.member, user=people.member,
                                         data=_profile()), kinds=[])
    assert Event.objects.count() == before


def test_nobody_edits_someone_elses_profile_but_staff(people: People) -> None:
    with pytest.raises(Forbidden):
        update_profile(actor=people.other_member, user=people.member, data=_profile())
    update_profile(actor=people.staff, user=people.member, data=_profile(title="Corrigé"))
    assert User.objects.get(pk=people.member.pk).title == "Corrigé"


def test_a_region_not_in_the_list_is_refused_in_french(people: People) -> None:
    with pytest.raises(ServiceError) as refused:
        update_profile(actor=people.member, user=people.member, data=_profile(region="42"))
    assert refused.value.code == "invalid_region"
    assert "17 régions administratives du Québec" in str(refused.value)
    assert User.objects.get(pk=people.member.pk).region == ""


def test_ten_thousand_tag_characters_are_refused_whole_not_cut() -> None:
    with pytest.raises(ServiceError) as refused:
        split_tags("a" * 10_000)
    assert refused.value.code == "tags_too_long"
    assert "10000 caractères" in str(refused.value)


def test_a_tag_too_long_or_too_many_tags_are_refused(people: People) -> None:
    with pytest.raises(ServiceError) as long_tag:
        update_profile(actor=people.member, user=people.member,
                       data=_profile(expertise=["x" * 61]))
    assert long_tag.value.code == "tag_too_long"
    with pytest.raises(ServiceError) as many:
        update_profile(actor=people.member, user=people.member,
                       data=_profile(expertise=[f"domaine {n}" for n in range(MAX_TAGS + 1)]))
    assert many.value.code == "too_many_tags"
    assert not ExpertiseTag.objects.exists()


def test_a_typed_tag_joins_the_staff_list_entry_whatever_its_accents(people: People) -> None:
    listed = ExpertiseTag.objects.create(name="Accessibilité universelle", listed=True)
    update_profile(actor=people.member, user=people.member,
                   data=_profile(expertise=["ACCESSIBILITE  universelle", "Déneigement"]))
    tags = {t.name: t for t in User.objects.get(pk=people.member.pk).expertise.all()}
    assert tags["Accessibilité universelle"].pk == listed.pk
    assert tags["Déneigement"].listed is False  # a free tag stays off the staff's list


def test_a_new_name_that_meets_a_namesake_is_told_apart(people: People) -> None:
    update_profile(actor=people.member, user=people.member,
                   data=_profile(display_name="Noémie Membre"))
    member = User.objects.get(pk=people.member.pk)
    other = User.objects.get(pk=people.other_member.pk)
    assert member.namesake == other.namesake == Namesake.BY_ORGANISATION
    assert member.label == "Noémie Membre (Ville de Laval)"
    assert other.label == "Noémie Membre (Ville de Gatineau)"


def test_the_folded_search_name_follows_the_name(people: People) -> None:
    update_profile(actor=people.member, user=people.member,
                   data=_profile(display_name="Émile Bélanger"))
    assert User.objects.get(pk=people.member.pk).search_name == "emile belanger ville de laval"
