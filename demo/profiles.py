"""Profiles of the demo people (all fictional): kind of member, municipality, areas of
expertise and a short bio, derived from the organisation and job title they already have so
the directory has something to search and filter. Staff's list of expertise areas too."""

from __future__ import annotations

from communities.models import ExpertiseTag, MemberKind, User
from communities.services.profiles import ProfileInput, update_profile
from demo.content import DemoPerson

LISTED_EXPERTISE = (
    "Accessibilité universelle", "Camps de jour", "Développement social",
    "Loisirs", "Participation citoyenne", "Politique familiale (PFM)",
    "Municipalité amie des aînés (MADA)", "Vie communautaire",
)

#: Words of a job title → the areas of expertise it suggests.
_BY_WORD = {
    "accessibilité": "Accessibilité universelle", "camp": "Camps de jour",
    "camps": "Camps de jour", "social": "Développement social",
    "loisirs": "Loisirs", "citoyenne": "Participation citoyenne",
    "familiale": "Politique familiale (PFM)", "pfm": "Politique familiale (PFM)",
    "mada": "Municipalité amie des aînés (MADA)", "communautaire": "Vie communautaire",
    "communautés": "Vie communautaire", "intégration": "Inclusion",
}


def _kind_and_place(seed: DemoPerson) -> tuple[str, str]:
    organisation = seed.organisation
    if organisation.startswith("Espace MUNI"):
        return MemberKind.ESPACE_MUNI, ""
    for prefix in ("Ville de ", "Municipalité de "):
        if organisation.startswith(prefix):
            return MemberKind.MUNICIPAL_STAFF, organisation.removeprefix(prefix)
    return MemberKind.MUNICIPAL_STAFF, ""


def give_profiles(people: dict[str, User], seeds: tuple[DemoPerson, ...], staff: User) -> int:
    """Fill the profiles still empty; returns how many were filled (a re-run fills none)."""
    for name in LISTED_EXPERTISE:
        tag = ExpertiseTag.objects.filter(name=name).first()
        if tag is None:
            ExpertiseTag.objects.create(name=name, listed=True)
    filled = 0
    for seed in seeds:
        user = people[seed.email]
        if user.kind:
            continue
        kind, municipality = _kind_and_place(seed)
        words = seed.title.lower().replace(",", " ").split()
        expertise = sorted({_BY_WORD[w] for w in words if w in _BY_WORD})
        update_profile(actor=staff, user=user, data=ProfileInput(
            display_name=user.display_name, organisation=user.organisation,
            municipality=municipality, region=user.region, kind=kind, title=user.title,
            bio=f"{seed.title.capitalize()} ({seed.organisation}).", expertise=expertise,
            language=user.language))
        filled += 1
    return filled
