"""The register as a CSV file for a spreadsheet, shaped like the activity report's
(reports/export.py): UTF-8 with a byte-order mark, semicolons, French headers, and every cell
that a spreadsheet would run as a formula defused (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from decisions.models import ActionItem, ActionStatus, Decision

BOM = "\ufeff"
DELIMITER = ";"
HEADERS = ["Type", "Date", "Texte", "Personnes responsables", "Échéance", "État", "Source",
           "Titre de la source", "Consigné par"]
_FORMULA_STARTS = {"=", "+", "-", "@", "\t", "\r", "\n", "|", "%"}
_STATUS = {ActionStatus.TODO: "À faire", ActionStatus.DOING: "En cours",
           ActionStatus.DONE: "Fait"}


def cell(text: str) -> str:
    # Leading spaces do not stop a spreadsheet from reading "  =1+1" as a formula.
    return "'" + text if text.lstrip(" ")[:1] in _FORMULA_STARTS else text


def _source(record: Decision | ActionItem) -> tuple[str, str]:
    if record.meeting_id:
        return "Rencontre", record.meeting.title if record.meeting else ""
    return "Fil de discussion", record.thread.title if record.thread else ""


def register_csv(decisions: Sequence[Decision], actions: Sequence[ActionItem]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for decision in decisions:
        kind, title = _source(decision)
        writer.writerow(["Décision", decision.decided_on.isoformat(), cell(decision.text), "",
                         "", "", kind, cell(title),
                         cell(decision.recorded_by.display_name if decision.recorded_by
                              else "")])
    for action in actions:
        kind, title = _source(action)
        names = ", ".join(u.display_name for u in action.assignees.all())
        writer.writerow(["Action", action.created_at.date().isoformat(), cell(action.what),
                         cell(names), action.due_on.isoformat(),
                         _STATUS.get(ActionStatus(action.status), action.status), kind,
                         cell(title),
                         cell(action.created_by.display_name if action.created_by else "")])
    return BOM + buffer.getvalue()
