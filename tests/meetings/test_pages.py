"""The meeting pages without JavaScript: what people see, what the forms accept and refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.urls import reverse
from django.utils import timezone

from communities.models import Language
from meetings.models import Answer, Meeting, Rsvp
from meetings.services.rsvp import answer_meeting
from meetings.timezones import local
from tests.clients import client_for
from tests.conftest import People
from tests.meetings.conftest import in_days, make_past, schedule
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def form_data(**overrides: object) -> dict[str, object]:
    start = local(in_days(12))
    data: dict[str, object] = {
        "title": "Rencontre en personne à Québec", "date": start.date().isoformat(),
        "start_time": "09:30", "end_time": "12:00", "end_date": "", "mode": "in_person",
        "address": "Hôtel de ville de Québec", "video_url": "", "capacity": "",
        "agenda": "Visite puis dîner",
    }
    data.update(overrides)
    return data


def test_space_navigation_links_to_meetings(people: People) -> None:
    page = client_for(people.member).get(reverse("space", args=["rma"])).content.decode()
    assert f'href="{reverse("meetings", args=["rma"])}"' in page
    assert "Rencontres" in page


def test_list_shows_upcoming_and_past_in_quebec_format(people: People) -> None:
    upcoming = schedule(people, title="Rencontre d'automne")
    past = make_past(schedule(people, title="Rencontre du printemps"))
    page = client_for(people.member).get(reverse("meetings", args=["rma"])).content.decode()
    assert "Rencontre d&#x27;automne" in page and "Rencontre du printemps" in page
    assert page.index("Rencontre d&#x27;automne") < page.index("Rencontre du printemps")
    assert "de 13\xa0h\xa030 à 15\xa0h" in page
    assert "Planifier une rencontre" not in page  # members do not schedule
    assert upcoming.pk and past.pk


def test_list_in_english_for_english_readers(people: People) -> None:
    people.member.language = Language.ENGLISH
    people.member.save()
    schedule(people)
    page = client_for(people.member).get(reverse("meetings", args=["rma"])).content.decode()
    assert "from 1:30 PM to 3:00 PM" in page
    assert "Upcoming" in page


def test_outsiders_get_not_found(meeting: Meeting, people: People) -> None:
    client = client_for(people.outsider)
    assert client.get(reverse("meetings", args=["rma"])).status_code == 404
    assert client.get(reverse("meeting", args=["rma", meeting.pk])).status_code == 404
    assert client.get(reverse("meeting-ics", args=["rma", meeting.pk])).status_code == 404


def test_a_facilitator_schedules_from_the_form(people: People,
                                               django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people.facilitator).post(
            reverse("meeting-schedule", args=["rma"]), form_data())
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meeting", args=["rma", meeting.pk])
    assert local(meeting.starts_at).hour == 9 and local(meeting.starts_at).minute == 30
    assert len(outbox.outbox) == 3


@pytest.mark.parametrize(("overrides", "message"), [
    ({"end_time": "09:00"}, "La fin de la rencontre doit venir après son début."),
    ({"date": (timezone.localdate() - timedelta(days=2)).isoformat()},
     "Le début de la rencontre est déjà passé"),
    ({"mode": "virtual", "video_url": "zoom.us/j/1"}, "commençant par https://"),
    ({"mode": "virtual", "video_url": "http://zoom.us/j/1"}, "commençant par https://"),
    ({"address": ""}, "Indiquez l&#x27;adresse de la rencontre."),
    ({"capacity": "0"}, "au moins 1"),
    ({"title": ""}, "Donnez un titre à la rencontre."),
])
def test_the_form_refuses_bad_input_and_keeps_what_was_typed(people: People,
                                                             overrides: dict,
                                                             message: str) -> None:
    response = client_for(people.facilitator).post(reverse("meeting-schedule", args=["rma"]),
                                                   form_data(**overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Visite puis dîner" in page  # nothing typed is lost
    assert not Meeting.objects.exists()


def test_the_form_refuses_a_time_skipped_by_daylight_saving(people: People) -> None:
    response = client_for(people.facilitator).post(
        reverse("meeting-schedule", args=["rma"]),
        form_data(date="2030-03-10", start_time="02:30", end_time="04:00"))
    assert response.status_code == 400
    assert "heure avancée" in response.content.decode()


def test_members_cannot_open_the_schedule_form(people: People) -> None:
    response = client_for(people.member).get(reverse("meeting-schedule", args=["rma"]))
    assert response.status_code == 403


def test_meeting_page_shows_details_answers_and_the_ics(meeting: Meeting,
                                                        people: People) -> None:
    answer_meeting(actor=people.other_member, meeting=meeting, answer=Answer.YES)
    page = client_for(people.member).get(reverse("meeting", args=["rma", meeting.pk]))
    html = page.content.decode()
    assert "<strong>Bilan</strong>" in html
    assert "https://zoom.us/j/123456" in html
    assert "Noémie Membre" in html
    assert 'data-count="yes">1<' in html
    assert reverse("meeting-ics", args=["rma", meeting.pk]) in html
    ics = client_for(people.member).get(reverse("meeting-ics", args=["rma", meeting.pk]))
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in ics["Content-Disposition"]
    assert meeting.ics_uid.encode() in ics.content


def test_answering_from_the_page_and_the_waiting_list_position(people: People) -> None:
    meeting = schedule(people, capacity=1)
    url = reverse("meeting-answer", args=["rma", meeting.pk])
    assert client_for(people.other_member).post(url, {"answer": "yes"}).status_code == 302
    response = client_for(people.member).post(url, {"answer": "yes"}, follow=True)
    html = response.content.decode()
    assert "liste d&#x27;attente" in html
    assert "vous êtes en position 1" in html
    assert Rsvp.objects.get(user=people.member).waitlisted_at is not None


def test_answering_a_cancelled_meeting_shows_why(meeting: Meeting, people: People) -> None:
    from meetings.services.scheduling import cancel_meeting

    cancel_meeting(actor=people.facilitator, meeting=meeting)
    response = client_for(people.member).post(
        reverse("meeting-answer", args=["rma", meeting.pk]), {"answer": "yes"})
    assert response.status_code == 400
    assert "Cette rencontre est annulée" in response.content.decode()
    assert not Rsvp.objects.exists()


def test_edit_form_starts_from_the_meeting_and_capacity_rule_applies(meeting: Meeting,
                                                                     people: People) -> None:
    answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    answer_meeting(actor=people.other_member, meeting=meeting, answer=Answer.YES)
    client = client_for(people.facilitator)
    url = reverse("meeting-edit", args=["rma", meeting.pk])
    form = client.get(url).context["form"]
    assert form.initial["start_time"].strftime("%H:%M") == "13:30"
    data = {key: value for key, value in form.initial.items() if key != "documents"}
    data.update(end_date="", capacity="1", address="", video_url=meeting.video_url)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "2 personnes ont déjà répondu oui" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.capacity is None


def test_cancel_from_the_page(meeting: Meeting, people: People) -> None:
    client = client_for(people.facilitator)
    url = reverse("meeting-cancel", args=["rma", meeting.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"note": "Tempête"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.cancellation_note == "Tempête"
    assert client_for(people.member).post(url).status_code == 403


def test_attendance_form_records_members_and_guests(meeting: Meeting, people: People) -> None:
    make_past(meeting)
    client = client_for(people.facilitator)
    url = reverse("meeting-attendance", args=["rma", meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {f"member_{people.member.pk}": "in_person",
                                 f"member_{people.other_member.pk}": "absent",
                                 "guests": "4", "minutes": "Merci à tous"})
    assert response.status_code == 302
    page = client.get(reverse("meeting", args=["rma", meeting.pk])).content.decode()
    assert "5 personnes présentes" in page
    assert "Merci à tous" in page


def test_linked_documents_link_to_their_page(people: People) -> None:
    from docs_store.models import Document

    document = Document.objects.create(space=people.space, title="Ordre du jour détaillé")
    meeting = schedule(people, document_ids=[document.pk])
    page = client_for(people.member).get(reverse("meeting", args=["rma", meeting.pk]))
    assert f'href="{reverse("document", args=["rma", document.pk])}"' in page.content.decode()


def test_reminder_setting_from_the_list(people: People) -> None:
    from meetings.services.reminders import reminder_hours_of

    client = client_for(people.facilitator)
    assert client.post(reverse("meetings", args=["rma"]),
                       {"reminder_hours": "48"}).status_code == 302
    assert reminder_hours_of(people.space) == 48
    refused = client.post(reverse("meetings", args=["rma"]), {"reminder_hours": "999"})
    assert refused.status_code == 400
    assert reminder_hours_of(people.space) == 48


# Session, user, space and membership checks, the meeting with its documents, the answers
# (one query for the list, one for the counts), the space head for live.js; the app shell's
# spaces with their counts, heads and unread notifications (the header's bell reads the same
# rows) and its next meeting; the meeting's decisions and action items.
MEETING_PAGE_QUERIES = 13


def test_meeting_page_query_count_does_not_grow_with_answers(people: People) -> None:
    from communities.models import Membership, Role
    from tests.conftest import make_user

    meeting = schedule(people)
    client = client_for(people.member)
    url = reverse("meeting", args=["rma", meeting.pk])
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for n in range(30):
        user = make_user(f"p{n}@exemple.qc.ca", f"Personne {n}")
        Membership.objects.create(space=people.space, user=user, role=Role.MEMBER)
        answer_meeting(actor=user, meeting=meeting, answer=Answer.YES)
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few) == MEETING_PAGE_QUERIES, (len(few), len(many))


def test_list_query_count_does_not_grow_with_meetings(people: People) -> None:
    from docs_store.models import Document

    document = Document.objects.create(space=people.space, title="Plan")
    client = client_for(people.member)
    url = reverse("meetings", args=["rma"])
    schedule(people, document_ids=[document.pk])
    make_past(schedule(people))
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for n in range(8):
        schedule(people, title=f"À venir {n}", document_ids=[document.pk])
        make_past(schedule(people, title=f"Passée {n}"))
    with count_queries() as many:
        page = client.get(url)
    assert page.content.decode().count('class="card meeting-item') == 18
    assert len(many) == len(few), (len(few), len(many))


def test_correcting_attendance_keeps_someone_who_left_since(meeting: Meeting,
                                                           people: People) -> None:
    from communities.services.spaces import leave_space
    from meetings.models import Attendance, Presence
    from meetings.services.attendance import record_attendance

    make_past(meeting)
    record_attendance(actor=people.facilitator, meeting=meeting,
                      attendees={people.member.pk: Presence.ONLINE})
    leave_space(actor=people.member, space=people.space)
    client = client_for(people.facilitator)
    url = reverse("meeting-attendance", args=["rma", meeting.pk])
    form = client.get(url).context["form"]
    assert form.initial[f"member_{people.member.pk}"] == "online"
    client.post(url, {f"member_{people.member.pk}": "online",
                      f"member_{people.other_member.pk}": "in_person", "guests": "0"})
    assert set(Attendance.objects.values_list("user_id", flat=True)) == {
        people.member.pk, people.other_member.pk}
