"""The demo's decisions and action items, recorded from its two past meetings, so the register
and the meeting pages show what a community agreed. Plain data like demo/activity.py (the
people are demo.content's fictional members, by email); due dates are days from the load."""

from __future__ import annotations

from dataclasses import dataclass

from demo.content import _ANIM, _CATHERINE, _ETIENNE, _HUGO, _JOSEE, _M1, _RACHEL


@dataclass(frozen=True)
class DemoDecision:
    space: str
    meeting: str
    text: str


@dataclass(frozen=True)
class DemoAction:
    space: str
    meeting: str
    what: str
    assignees: tuple[str, ...]
    due_in_days: int
    status: str = "todo"  # decisions.models.ActionStatus, spelled out


_AUTUMN = "Rencontre d'automne du Réseau"
_PARKS = "Atelier sur les parcs inclusifs"

DECISIONS: tuple[DemoDecision, ...] = (
    DemoDecision(space="grandes-villes", meeting=_AUTUMN,
                 text="La vision révisée du Réseau est adoptée telle que présentée."),
    DemoDecision(space="grandes-villes", meeting=_AUTUMN,
                 text="Un sous-groupe propose trois indicateurs communs d'évaluation "
                      "d'impacts pour la rencontre d'hiver."),
    DemoDecision(space="rma", meeting=_PARKS,
                 text="Chaque municipalité remplit l'inventaire des parcs avant le "
                      "printemps."),
)

ACTIONS: tuple[DemoAction, ...] = (
    DemoAction(space="grandes-villes", meeting=_AUTUMN,
               what="Rassembler les grilles d'évaluation d'impacts des villes",
               assignees=(_JOSEE, _ETIENNE), due_in_days=8, status="doing"),
    DemoAction(space="grandes-villes", meeting=_AUTUMN,
               what="Diffuser la vision révisée aux directions générales",
               assignees=(_ANIM,), due_in_days=3),
    DemoAction(space="rma", meeting=_PARKS,
               what="Partager le devis de la surface amortissante coulée sur place",
               assignees=(_HUGO,), due_in_days=1),
    DemoAction(space="rma", meeting=_PARKS,
               what="Compléter l'inventaire des parcs",
               assignees=(_CATHERINE, _RACHEL, _M1), due_in_days=60),
)
