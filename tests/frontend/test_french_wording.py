"""French as the Office québécois de la langue française advises: inclusive writing with
doublets or epicene words, never the point médian ("invité·e"); months abbreviated janv.,
févr., juill. (Django's "jui" stands for both June and July)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from django.utils import translation

from frontend.months import short_month

ROOT = Path(__file__).resolve().parents[2]
APPS = ("collab", "communities", "demo", "docs_store", "emails", "frontend", "meetings",
        "replies", "reports", "realtime")
# A letter, the point médian, a letter: "invité·e", "mentionné·es". A lone "·" between
# spaces is a separator ("Ville de Laval · il y a 5 min") and stays.
POINT_MEDIAN = re.compile(r"\w·\w")


def _files() -> list[Path]:
    found: list[Path] = []
    for app in APPS:
        for pattern in ("*.html", "*.txt", "*.py", "*.js"):
            found += (ROOT / app).rglob(pattern)
    return found


def test_no_point_median_in_the_code_and_templates() -> None:
    offenders = [f"{path.relative_to(ROOT)}:{n}"
                 for path in _files()
                 for n, line in enumerate(path.read_text(errors="ignore").splitlines(), 1)
                 if POINT_MEDIAN.search(line)]
    assert not offenders, offenders


def test_no_point_median_in_the_translations() -> None:
    offenders = [f"{path.relative_to(ROOT)}:{n}"
                 for path in ROOT.glob("*/locale/*/LC_MESSAGES/django.po")
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if line.startswith(("msgid", "msgstr", '"')) and POINT_MEDIAN.search(line)]
    assert not offenders, offenders


def test_months_are_abbreviated_the_oqlf_way() -> None:
    with translation.override("fr-ca"):
        labels = [short_month(date(2026, month, 1), with_year=False) for month in range(1, 13)]
    assert labels == ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juill.", "août",
                      "sept.", "oct.", "nov.", "déc."]
    with translation.override("en"):
        assert short_month(date(2026, 7, 1)) == "July\xa02026"
