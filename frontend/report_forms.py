"""The period selector: a fiscal year from a list, or any span of days."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.periods import Period, current_fiscal_year, fiscal_year

#: Longer spans would still be cheap (the query count does not grow), but a ten-year table
#: is almost always a typo in the year.
MAX_DAYS = 5 * 366
FIRST_FISCAL_YEAR = 2023  # the platform opened in fiscal year 2023-2024
#: Typed dates outside these years are typos; near date.max they would also overflow the
#: period arithmetic (the midnight after the last day, the fiscal year of year 9999).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def fiscal_year_choices() -> list[tuple[str, str]]:
    latest = current_fiscal_year().first_day.year
    return [(str(year), fiscal_year(year).label)
            for year in range(latest, FIRST_FISCAL_YEAR - 1, -1)]


class PeriodForm(forms.Form):
    exercice = forms.TypedChoiceField(label=_("Exercice (1er avril au 31 mars)"), coerce=int,
                                      required=False, empty_value=None)
    du = forms.DateField(label=_("Ou du"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         error_messages={"invalid": _("Entrez une date valide (AAAA-MM-JJ).")})
    au = forms.DateField(label=_("au (inclus)"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         error_messages={"invalid": _("Entrez une date valide (AAAA-MM-JJ).")})

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["exercice"].choices = fiscal_year_choices()  # type: ignore[attr-defined]
        self.fields["exercice"].error_messages["invalid_choice"] = gettext(
            "Choisissez un exercice dans la liste.")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, last = data.get("du"), data.get("au")
        if (first is None) != (last is None) and not self.errors:
            raise forms.ValidationError(gettext(
                "Donnez les deux dates de la période, ou choisissez un exercice."))
        if isinstance(first, date) and isinstance(last, date):
            if not all(EARLIEST_YEAR <= day.year <= LATEST_YEAR for day in (first, last)):
                raise forms.ValidationError(gettext(
                    "Choisissez des dates entre l'an {first} et l'an {last}.").format(
                        first=EARLIEST_YEAR, last=LATEST_YEAR))
            if last < first:
                raise forms.ValidationError(gettext(
                    "La date de fin précède la date de début."))
            if last - first > timedelta(days=MAX_DAYS):
                raise forms.ValidationError(gettext(
                    "Choisissez une période de cinq ans au plus."))
        return data

    def period(self) -> Period:
        """The chosen period; the current fiscal year when nothing was chosen."""
        data = getattr(self, "cleaned_data", {})  # unbound: nothing chosen
        if data.get("du") and data.get("au"):
            return Period(data["du"], data["au"])
        if data.get("exercice") is not None:
            return fiscal_year(data["exercice"])
        return current_fiscal_year()
