"""The activity report pages and their CSV export. A facilitator sees the report of a space
they run; platform staff see any space and all of them together; another member of the space
gets the "réservé à l'animation" page, anyone else the same 404 as for a space that does not
exist."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from communities.access import is_platform_staff, may_manage, membership_of
from communities.models import Space, User
from frontend.months import short_month
from frontend.queries import space_or_404
from frontend.report_forms import PeriodForm
from frontend.views.refusals import FacilitatorsOnly
from reports.chart import BarChart, bar_chart
from reports.export import report_csv
from reports.figures import Report, activity_report
from reports.periods import day_label


def _managed_space_or_404(user: User, slug: str) -> Space:
    space = space_or_404(user, slug)
    if not may_manage(membership_of(user=user, space=space), user):
        raise FacilitatorsOnly(space)
    return space


def _charts(report: Report) -> list[BarChart]:
    def month(iso: str) -> str:
        return short_month(date.fromisoformat(iso))

    return [
        bar_chart(id="chart-messages", title=_("Messages publiés par mois"),
                  description=_("Barres horizontales, une par mois de la période ; les "
                                "valeurs sont dans le tableau qui suit."),
                  rows=[(month(row.month), row.messages) for row in report.months]),
        bar_chart(id="chart-participants",
                  title=_("Personnes participantes aux rencontres par mois"),
                  description=_("Barres horizontales, une par mois de la période ; les "
                                "valeurs sont dans le tableau qui suit."),
                  rows=[(month(row.month), row.participants) for row in report.months]),
    ]


def _respond(request: HttpRequest, *, spaces: list[Space], space: Space | None,
             as_csv: bool) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "frontend/reports/report.html",
                      {"form": form, "space": space, "report": None, "can_manage": True},
                      status=400)
    report = activity_report(spaces=spaces, period=form.period())
    if as_csv:
        name = f"rapport-activites-{space.slug if space else 'tous-les-espaces'}-" \
               f"{report.period.slug}.csv"
        response = HttpResponse(report_csv(report, with_total=space is None),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context: dict[str, Any] = {
        "form": form, "space": space, "report": report, "charts": _charts(report),
        "rows": [(s, report.by_space[s.pk]) for s in spaces],
        "query": request.GET.urlencode(),
        "can_manage": True,  # only the people who run the space (or staff) get here
        "first_day": day_label(report.period.first_day),
        "last_day": day_label(report.period.last_day),
    }
    return render(request, "frontend/reports/report.html", context)


@login_required
@require_GET
def space_report(request: HttpRequest, slug: str) -> HttpResponse:
    space = _managed_space_or_404(request.user, slug)  # type: ignore[arg-type]
    return _respond(request, spaces=[space], space=space, as_csv=False)


@login_required
@require_GET
def space_report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    space = _managed_space_or_404(request.user, slug)  # type: ignore[arg-type]
    return _respond(request, spaces=[space], space=space, as_csv=True)


def _all_spaces(user: User) -> list[Space]:
    if not is_platform_staff(user):
        raise Http404
    # Committees are counted in their space's row, never as spaces of their own.
    return list(Space.objects.filter(parent__isnull=True).order_by("name"))


@login_required
@require_GET
def all_spaces_report(request: HttpRequest) -> HttpResponse:
    return _respond(request, spaces=_all_spaces(request.user),  # type: ignore[arg-type]
                    space=None, as_csv=False)


@login_required
@require_GET
def all_spaces_report_csv(request: HttpRequest) -> HttpResponse:
    return _respond(request, spaces=_all_spaces(request.user),  # type: ignore[arg-type]
                    space=None, as_csv=True)
