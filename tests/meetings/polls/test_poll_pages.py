"""The date poll pages through Django's test client: propose slots, answer with the radio
grid (no JavaScript), see results, remind once, pick the slot; refusals shown in French with
what was typed kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from communities.models import User
from meetings.models import MeetingMode
from meetings.models.polls import DatePoll, PollVote
from meetings.services.polls import pick_slot, vote
from tests.clients import client_for
from tests.conftest import People
from tests.meetings.polls.conftest import slot_ids
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def _create_data(day: date, **extra: str) -> dict[str, str]:
    data = {"title": "Rencontre d'automne", "agenda": "Bilan", "mode": MeetingMode.VIRTUAL,
            "address": "", "video_url": "https://zoom.us/j/42",
            "slots-TOTAL_FORMS": "4", "slots-INITIAL_FORMS": "0",
            "slots-MIN_NUM_FORMS": "0", "slots-MAX_NUM_FORMS": "20"}
    for index, (offset, start, end) in enumerate([(0, "13:30", "15:00"), (1, "09:00", "10:00")]):
        data[f"slots-{index}-day"] = (day + timedelta(days=offset)).isoformat()
        data[f"slots-{index}-start"] = start
        data[f"slots-{index}-end"] = end
    data.update(extra)
    return data


def test_a_facilitator_proposes_slots_and_lands_on_the_poll(people: People,
                                                            next_week: date) -> None:
    client = client_for(people.facilitator)
    assert client.get(reverse("poll-create", args=["rma"])).status_code == 200
    response = client.post(reverse("poll-create", args=["rma"]), _create_data(next_week))
    poll = DatePoll.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("poll", args=["rma", poll.pk])
    assert poll.slots.count() == 2  # the two blank rows are ignored


def test_a_bad_slot_is_explained_and_everything_typed_is_kept(people: People,
                                                              next_week: date) -> None:
    data = _create_data(next_week, **{"slots-1-end": "08:00"})
    response = client_for(people.facilitator).post(reverse("poll-create", args=["rma"]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Créneau 2 : La fin de la rencontre doit venir après son début." in html
    assert "Rencontre d&#x27;autumn" not in html and "Rencontre d&#x27;automne" in html
    assert 'value="08:00"' in html and 'value="https://zoom.us/j/42"' in html
    assert not DatePoll.objects.exists()


def test_a_half_filled_slot_row_is_explained(people: People, next_week: date) -> None:
    data = _create_data(next_week, **{"slots-2-day": next_week.isoformat()})
    html = client_for(people.facilitator).post(reverse("poll-create", args=["rma"]),
                                               data).content.decode()
    assert "Donnez la date, l&#x27;heure de début et l&#x27;heure de fin de ce créneau." in html
    assert not DatePoll.objects.exists()


def test_adding_rows_without_javascript_keeps_what_was_typed(people: People,
                                                             next_week: date) -> None:
    data = _create_data(next_week, more="1")
    response = client_for(people.facilitator).post(reverse("poll-create", args=["rma"]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="slots-7-day"' in html and 'name="slots-8-day"' not in html
    assert f'value="{next_week.isoformat()}"' in html
    assert not DatePoll.objects.exists()


def test_members_and_outsiders_cannot_open_the_creation_page(people: People) -> None:
    assert client_for(people.member).get(reverse("poll-create", args=["rma"])).status_code == 403
    assert client_for(people.outsider).get(reverse("polls", args=["rma"])).status_code == 404


def test_the_vote_grid_is_a_table_of_radio_groups(people: People, poll: DatePoll) -> None:
    html = client_for(people.member).get(reverse("poll", args=["rma", poll.pk])).content.decode()
    first = slot_ids(poll)[0]
    assert '<table class="data vote-grid table-stack">' in html
    assert f'<input type="radio" name="slot-{first}" id="slot-{first}-yes" value="yes">' in html
    assert f'<label for="slot-{first}-if_needed">Si nécessaire' in html
    assert '<th scope="col" id="answer-no">Non</th>' in html
    assert "13\xa0h\xa030" in html  # the Quebec way, non-breaking spaces


def test_a_member_answers_with_the_form_and_sees_their_answers(people: People,
                                                               poll: DatePoll) -> None:
    first, second, third = slot_ids(poll)
    client = client_for(people.member)
    response = client.post(reverse("poll", args=["rma", poll.pk]), {
        f"slot-{first}": "yes", f"slot-{second}": "if_needed", f"slot-{third}": "no"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Vos réponses sont enregistrées" in html
    assert f'id="slot-{second}-if_needed" value="if_needed" checked' in html
    assert f'data-tally="{first}-yes">1<' in html
    best = html[html.index(f'<tr data-slot="{first}"'):html.index(f'<tr data-slot="{second}"')]
    assert "data-best-badge>" in best  # shown (not hidden) on the slot most people can attend
    assert "Marc Membre" in html


def test_an_incomplete_answer_is_refused_and_the_choices_kept(people: People,
                                                              poll: DatePoll) -> None:
    first, _second, _third = slot_ids(poll)
    response = client_for(people.member).post(reverse("poll", args=["rma", poll.pk]),
                                              {f"slot-{first}": "no"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Répondez pour chaque créneau proposé" in html
    assert f'id="slot-{first}-no" value="no" checked' in html
    assert not PollVote.objects.exists()


def test_a_vote_on_a_closed_poll_is_refused_with_a_clear_message(people: People,
                                                                 poll: DatePoll) -> None:
    first, second, third = slot_ids(poll)
    vote(actor=people.member, poll=poll, answers={first: "yes", second: "no", third: "no"})
    pick_slot(actor=people.facilitator, poll=poll, slot_id=first)
    response = client_for(people.other_member).post(reverse("poll", args=["rma", poll.pk]), {
        f"slot-{first}": "yes", f"slot-{second}": "yes", f"slot-{third}": "yes"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "une date a été retenue et les réponses ne peuvent plus être modifiées" in html
    assert 'role="alert"' in html
    assert not PollVote.objects.filter(user=people.other_member).exists()


def test_the_facilitator_reminds_once_from_the_page(people: People, poll: DatePoll) -> None:
    client = client_for(people.facilitator)
    html = client.get(reverse("poll", args=["rma", poll.pk])).content.decode()
    assert "Envoyer un rappel à 2 personnes" in html
    response = client.post(reverse("poll-remind", args=["rma", poll.pk]))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Rappel envoyé à 2 personnes qui n&#x27;avaient pas répondu." in html
    assert "Un seul rappel est permis." in html
    assert "Envoyer un rappel" not in html
    again = client.post(reverse("poll-remind", args=["rma", poll.pk]))
    assert again.status_code == 409
    assert "un seul rappel est permis" in again.content.decode()


def test_members_cannot_remind_or_pick(people: People, poll: DatePoll) -> None:
    client = client_for(people.member)
    assert client.post(reverse("poll-remind", args=["rma", poll.pk])).status_code == 403
    assert client.get(reverse("poll-pick", args=["rma", poll.pk])).status_code == 403


def test_the_pick_page_preselects_the_best_slot(people: People, poll: DatePoll) -> None:
    first, second, third = slot_ids(poll)
    vote(actor=people.member, poll=poll, answers={first: "no", second: "yes", third: "no"})
    vote(actor=people.other_member, poll=poll,
         answers={first: "if_needed", second: "yes", third: "no"})
    html = client_for(people.facilitator).get(
        reverse("poll-pick", args=["rma", poll.pk])).content.decode()
    assert f'id="pick-{second}" value="{second}" checked' in html
    assert "2 oui, 0 si nécessaire, 0 non" in html
    assert "les 2 personnes qui ont répondu" in html


def test_picking_without_a_choice_is_explained(people: People, poll: DatePoll) -> None:
    response = client_for(people.facilitator).post(reverse("poll-pick", args=["rma", poll.pk]),
                                                   {})
    assert response.status_code == 400
    assert "Choisissez le créneau retenu." in response.content.decode()
    poll.refresh_from_db()
    assert not poll.is_closed


def test_a_poll_of_another_space_is_not_found(people: People, poll: DatePoll) -> None:
    from communities.models import Membership, Role, Space

    other = Space.objects.create(slug="mae", name="Municipalité amie des enfants")
    Membership.objects.create(space=other, user=people.member, role=Role.MEMBER)
    client = client_for(people.member)
    assert client.get(reverse("poll", args=["mae", poll.pk])).status_code == 404


def test_the_list_shows_open_polls(people: People, poll: DatePoll) -> None:
    html = client_for(people.member).get(reverse("polls", args=["rma"])).content.decode()
    assert "Rencontre du réseau" in html
    assert reverse("poll", args=["rma", poll.pk]) in html


def test_the_poll_page_speaks_english_to_english_readers(people: People, poll: DatePoll) -> None:
    User.objects.filter(pk=people.member.pk).update(language="en")
    html = client_for(people.member).get(reverse("poll", args=["rma", poll.pk])).content.decode()
    assert "Save my answers" in html
    assert "If needed" in html
    assert "PM" in html  # 1:30 PM, the English way


def test_the_results_cost_two_queries_whatever_the_number_of_voters(
        people: People, poll: DatePoll) -> None:  # type: ignore[no-untyped-def]
    from communities.models import Membership, Role
    from meetings.polls.selectors import poll_results
    from tests.conftest import make_user

    with count_queries(exactly=2):
        poll_results(poll, viewer=people.member)
    for n in range(20):
        voter = make_user(f"votant{n}@exemple.qc.ca", f"Votant {n}")
        Membership.objects.create(space=people.space, user=voter, role=Role.MEMBER)
        vote(actor=voter, poll=poll, answers=dict.fromkeys(slot_ids(poll), "yes"))
    with count_queries(exactly=2):
        results = poll_results(poll, viewer=people.member)
    assert len(results.respondents) == 20 and results.slots[0].yes == 20


def test_closing_without_a_date_asks_first_then_says_so(people: People, poll: DatePoll) -> None:
    client = client_for(people.facilitator)
    page = client.get(reverse("poll-close", args=["rma", poll.pk]))
    assert page.status_code == 200
    assert "aucune rencontre ne sera planifiée" in page.content.decode()
    poll.refresh_from_db()
    assert not poll.is_closed
    response = client.post(reverse("poll-close", args=["rma", poll.pk]))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Le sondage est fermé sans date retenue." in html
    assert 'data-closed-without-date>' in html
    assert client_for(people.member).post(
        reverse("poll-close", args=["rma", poll.pk])).status_code == 403


def test_staff_who_are_not_members_read_the_results_without_a_vote_form(
        people: People, poll: DatePoll) -> None:
    html = client_for(people.staff).get(reverse("poll", args=["rma", poll.pk])).content.decode()
    assert "Résultats" in html
    assert "Enregistrer mes réponses" not in html


def test_a_time_the_spring_change_skips_is_explained(people: People) -> None:
    year = date.today().year + 1
    # Second Sunday of March: 02:00 jumps to 03:00 in Toronto, so 02:30 does not exist.
    sundays = [date(year, 3, d) for d in range(1, 15) if date(year, 3, d).weekday() == 6]
    data = _create_data(sundays[1], **{"slots-0-start": "02:30", "slots-0-end": "04:00"})
    html = client_for(people.facilitator).post(reverse("poll-create", args=["rma"]),
                                               data).content.decode()
    assert "n&#x27;existe pas" in html and "heure avancée" in html
    assert not DatePoll.objects.exists()


def test_a_forged_slot_choice_is_refused_not_replaced_by_the_best(people: People,
                                                                  poll: DatePoll) -> None:
    response = client_for(people.facilitator).post(reverse("poll-pick", args=["rma", poll.pk]),
                                                   {"slot": "le-meilleur"})
    assert response.status_code == 400
    assert "Choisissez le créneau retenu." in response.content.decode()
    poll.refresh_from_db()
    assert not poll.is_closed


@pytest.mark.parametrize(("slot", "message"), [
    # 23:00 on the last day Python knows has no UTC instant: once an OverflowError.
    ({"slots-0-day": "9999-12-31", "slots-0-start": "23:00", "slots-0-end": "23:59"},
     "La date du 9999-12-31 est trop lointaine"),
    ({"slots-0-day": "9999-12-30", "slots-0-start": "10:00", "slots-0-end": "11:00"},
     "Créneau 1 : Une rencontre se planifie au plus 10 ans à l&#x27;avance"),
])
def test_a_slot_too_far_ahead_is_refused_in_french(people: People, next_week: date,
                                                   slot: dict[str, str], message: str) -> None:
    response = client_for(people.facilitator).post(reverse("poll-create", args=["rma"]),
                                                   _create_data(next_week, **slot))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DatePoll.objects.exists()
