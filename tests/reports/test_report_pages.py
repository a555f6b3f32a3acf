"""The report page and its CSV: who may see them, the period selector, the chart with its
data table, and a CSV that a spreadsheet (and Python's csv module) reads back."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Membership, Role, Space, User
from reports.export import HEADERS
from tests.clients import client_for
from tests.queries import count_queries
from tests.reports.world import World, build_world

pytestmark = pytest.mark.django_db
YEAR = {"exercice": "2025"}


@pytest.fixture
def world() -> World:
    return build_world()


def _staff() -> User:
    return User.objects.create_user("sam@exemple.qc.ca", "x", display_name="Sam Personnel",
                                    is_staff=True)


def _outsider() -> User:
    return User.objects.create_user("olivier@exemple.qc.ca", "x", display_name="Olivier")


def test_a_facilitator_sees_the_report_of_their_space(world: World) -> None:
    response = client_for(world.people["F"]).get(reverse("space-report", args=["rma"]), YEAR)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Exercice 2025-2026" in html
    assert '<svg role="img" aria-labelledby="chart-messages-title chart-messages-desc"' in html
    assert '<title id="chart-messages-title">Messages publiés par mois</title>' in html
    assert "<caption>Messages publiés par mois : les données</caption>" in html
    assert "9,0" in html  # average per meeting, written the French way
    # A year and a span of dates are two forms: changing the year never sends stale dates.
    assert html.count('<form method="get" class="report-period"') == 2


@pytest.mark.parametrize("who", ["M1", "M6", "outsider"])
def test_members_removed_members_and_outsiders_get_not_found(world: World, who: str) -> None:
    user = _outsider() if who == "outsider" else world.people[who]
    client = client_for(user)
    # A member of the space is told the report is reserved to its facilitators; anyone else
    # gets the unknown-space 404.
    expected = 403 if who == "M1" else 404
    assert client.get(reverse("space-report", args=["rma"])).status_code == expected
    assert client.get(reverse("space-report-csv", args=["rma"])).status_code == expected
    assert client.get(reverse("all-spaces-report")).status_code == 404
    assert client.get(reverse("all-spaces-report-csv")).status_code == 404


def test_a_facilitator_of_one_space_does_not_see_another(world: World) -> None:
    Membership.objects.filter(space=world.b, user=world.people["F"]).update(role=Role.MEMBER)
    client = client_for(world.people["F"])
    assert client.get(reverse("space-report", args=["mae"])).status_code == 403
    assert client.get(reverse("all-spaces-report")).status_code == 404


def test_staff_see_every_space_and_all_of_them_together(world: World) -> None:
    client = client_for(_staff())
    assert client.get(reverse("space-report", args=["vs"])).status_code == 200
    response = client.get(reverse("all-spaces-report"), YEAR)
    html = response.content.decode()
    assert response.status_code == 200
    for space in Space.objects.all():
        assert space.name in html
    assert "Tous les espaces" in html


def test_signed_out_people_are_sent_to_sign_in(world: World) -> None:
    response = Client().get(reverse("space-report", args=["rma"]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_csv_reads_back_with_every_figure(world: World) -> None:
    response = client_for(_staff()).get(reverse("all-spaces-report-csv"), YEAR)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="rapport-activites-tous-les-espaces-2025-2026.csv"' in \
        response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())  # Excel reads the accents right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADERS
    assert "Membres à la fin de la période" in rows[0]
    by_name = {row[0]: row for row in rows[1:]}
    # The committee and question columns come last (tests/reports/test_committee_questions.py).
    assert by_name["Réseau Municipalités accessibles"][1:15] == [
        "2025-04-01", "2026-03-31", "4", "3", "5", "1", "3", "1", "3", "1", "1", "1", "18",
        "9,0"]
    assert by_name["Municipalité amie des enfants"][3:15] == [
        "2", "1", "3", "1", "2", "0", "1", "1", "0", "0", "1", "1,0"]
    assert by_name["Voisins solidaires"][3:15] == ["0"] * 11 + [""]
    assert by_name["Tous les espaces"][3:15] == [
        "4", "4", "6", "2", "5", "1", "4", "2", "1", "1", "19", "6,3"]


def test_a_space_csv_has_no_total_row(world: World) -> None:
    response = client_for(world.people["F"]).get(reverse("space-report-csv", args=["rma"]),
                                                 YEAR)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["Réseau Municipalités accessibles"]
    assert 'filename="rapport-activites-rma-2025-2026.csv"' in response["Content-Disposition"]


def test_a_space_name_that_looks_like_a_formula_stays_text(world: World) -> None:
    Space.objects.filter(pk=world.c.pk).update(name="=HYPERLINK(\"http://x\")")
    response = client_for(_staff()).get(reverse("all-spaces-report-csv"), YEAR)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert "'=HYPERLINK(\"http://x\")" in [row[0] for row in rows]


def test_a_custom_period_is_shown_and_exported(world: World) -> None:
    client = client_for(world.people["F"])
    period = {"du": "2025-05-01", "au": "2025-05-31"}
    html = client.get(reverse("space-report", args=["rma"]), period).content.decode()
    assert "Du 1er mai 2025 au 31 mai 2025" in html
    assert "du=2025-05-01&amp;au=2025-05-31" in html  # the CSV link keeps the period
    response = client.get(reverse("space-report-csv", args=["rma"]), period)
    assert "2025-05-01_2025-05-31" in response["Content-Disposition"]


@pytest.mark.parametrize(("query", "message"), [
    ({"du": "2025-06-01", "au": "2025-05-01"}, "La date de fin précède la date de début."),
    ({"du": "2025-06-01"}, "Donnez les deux dates de la période"),
    ({"du": "hier", "au": "2025-05-01"}, "Entrez une date valide"),
    ({"exercice": "1999"}, "Choisissez un exercice dans la liste."),
    ({"du": "2015-01-01", "au": "2025-01-01"}, "cinq ans au plus"),
    # Near date.max the period arithmetic used to overflow: a 500 instead of this.
    ({"du": "9999-12-31", "au": "9999-12-31"}, "entre l&#x27;an 2000 et l&#x27;an 2100"),
    ({"du": "9999-01-01", "au": "9999-11-30"}, "entre l&#x27;an 2000 et l&#x27;an 2100"),
    ({"du": "1899-01-01", "au": "1899-02-01"}, "entre l&#x27;an 2000 et l&#x27;an 2100"),
])
def test_a_bad_period_is_explained_and_what_was_typed_kept(world: World, query: dict[str, str],
                                                           message: str) -> None:
    response = client_for(world.people["F"]).get(reverse("space-report", args=["rma"]), query)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'role="alert"' in html
    if "du" in query and query["du"] != "hier":
        assert f'value="{query["du"]}"' in html


@pytest.mark.parametrize("query", [{"du": "9999-12-31", "au": "9999-12-31"},
                                   {"du": "9999-01-01", "au": "9999-11-30"}])
def test_a_far_period_for_the_csv_is_refused_in_french(world: World,
                                                       query: dict[str, str]) -> None:
    response = client_for(world.people["F"]).get(reverse("space-report-csv", args=["rma"]),
                                                 query)
    assert response.status_code == 400
    assert "entre l&#x27;an 2000 et l&#x27;an 2100" in response.content.decode()


def test_the_default_period_is_the_current_fiscal_year(world: World) -> None:
    from reports.periods import current_fiscal_year

    response = client_for(world.people["F"]).get(reverse("space-report", args=["rma"]))
    assert response.status_code == 200
    assert current_fiscal_year().label in response.content.decode()


def test_the_report_speaks_english_but_the_csv_stays_french(world: World) -> None:
    User.objects.filter(pk=world.people["F"].pk).update(language="en")
    client = client_for(world.people["F"])
    html = client.get(reverse("space-report", args=["rma"]), YEAR).content.decode()
    assert "Activity report of" in html and "Fiscal year 2025-2026" in html
    assert "Members at the end of the period" in html
    csv_text = client.get(reverse("space-report-csv", args=["rma"]), YEAR).content.decode()
    assert "Membres à la fin de la période" in csv_text


def test_the_all_spaces_page_costs_the_same_queries_with_more_spaces(
        world: World) -> None:
    client = client_for(_staff())
    with count_queries() as three:
        assert client.get(reverse("all-spaces-report"), YEAR).status_code == 200
    for n in range(10):
        Space.objects.create(slug=f"autre-{n}", name=f"Autre communauté {n}")
    with count_queries() as thirteen:
        assert client.get(reverse("all-spaces-report"), YEAR).status_code == 200
    assert len(three) == len(thirteen) <= 18  # report (12), session, user, spaces, shell (2)


def test_the_space_sections_link_the_report_for_those_who_run_the_space(world: World) -> None:
    url = reverse("space-report", args=["rma"])
    assert url in client_for(world.people["F"]).get(reverse("space", args=["rma"])).content.decode()
    assert url not in client_for(world.people["M1"]).get(
        reverse("space", args=["rma"])).content.decode()
