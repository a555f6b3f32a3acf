"""A space's member list as a CSV file for the annual report: name, organisation,
municipality, region, kind of member, joined on. Same dialect as the activity report
(reports.export: BOM, semicolons, French headers), and every cell typed by a member passes
through the same guard, so a name like "=HYPERLINK(...)" stays text in the spreadsheet."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from communities.models import MemberKind, Membership, Space
from communities.regions import QUEBEC_REGIONS
from reports.export import BOM, DELIMITER, _cell

HEADERS = ["Nom", "Organisation", "Municipalité", "Région administrative", "Type de membre",
           "Membre depuis le"]
_REGIONS = dict(QUEBEC_REGIONS)
# French whatever the page language, like the headers.
_KINDS: dict[str, str] = {
    MemberKind.MUNICIPAL_STAFF: "personnel municipal",
    MemberKind.ELECTED: "personne élue",
    MemberKind.PARTNER: "partenaire",
    MemberKind.ESPACE_MUNI: "équipe d'Espace MUNI",
}


def members_csv(space: Space) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(HEADERS)
    memberships = (Membership.objects.filter(space=space, user__is_active=True)
                   .select_related("user").order_by("user__display_name", "user_id"))
    for membership in memberships:
        user = membership.user
        joined = timezone.localtime(membership.joined_at).date().isoformat()
        writer.writerow([_cell(user.label), _cell(user.organisation), _cell(user.municipality),
                         _REGIONS.get(user.region, ""), _KINDS.get(user.kind, ""), joined])
    return BOM + out.getvalue()


def filename(space: Space) -> str:
    return f"membres-{space.slug}-{timezone.localdate().isoformat()}.csv"
