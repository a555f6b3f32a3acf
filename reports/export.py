"""The report as a CSV file for a spreadsheet.

UTF-8 with a byte-order mark, so Excel shows "Présence" and not "PrÃ©sence"; semicolons and a
decimal comma, which is what Excel expects under Canadian French regional settings (with
commas every row would land in one column). Headers are in French whatever the page language:
the file is meant for the annual report, written in French."""

from __future__ import annotations

import csv
import io

from reports.figures import Figures, Report

BOM = "\ufeff"
DELIMITER = ";"

HEADERS = [
    "Espace", "Début de la période", "Fin de la période",
    "Membres à la fin de la période", "Nouveaux membres", "Membres actifs",
    "Fils de discussion", "Messages", "Documents ajoutés",
    "Rencontres tenues", "Rencontres virtuelles", "Rencontres en personne",
    "Rencontres hybrides", "Personnes participantes (membres et invités)",
    "Moyenne de personnes participantes par rencontre",
    "Rencontres de comités (comprises dans les rencontres tenues)",
    "Questions posées", "Questions avec réponse acceptée",
    "Délai médian avant la première réponse (heures)",
    "Délai médian avant la réponse acceptée (heures)",
]
ALL_SPACES = "Tous les espaces"


def _decimal(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def _cell(text: str) -> str:
    # A name starting like a formula would run as one in the spreadsheet (CSV injection).
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _row(name: str, report: Report, figures: Figures) -> list[object]:
    meetings = figures.meetings
    return [
        _cell(name), report.period.first_day.isoformat(), report.period.last_day.isoformat(),
        figures.members_at_end, figures.new_members, figures.active_members,
        figures.threads, figures.messages, figures.documents,
        meetings.held, meetings.virtual, meetings.in_person, meetings.hybrid,
        meetings.participants, _decimal(meetings.average_participants),
        meetings.committee_held, figures.questions.asked, figures.questions.answered,
        _decimal(figures.questions.median_first_reply_hours),
        _decimal(figures.questions.median_answer_hours),
    ]


def report_csv(report: Report, *, with_total: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for space in report.spaces:
        writer.writerow(_row(space.name, report, report.by_space[space.pk]))
    if with_total:
        writer.writerow(_row(ALL_SPACES, report, report.total))
    return BOM + buffer.getvalue()
