"""The demo's meetings, date polls and documents, so that a newcomer running ``make run`` sees
those pages filled in too. Plain data only, like demo/content.py (whose people, all
fictional, are named here by email); the management command loads it through the services.

Times are days from the first load at a wall-clock time in America/Toronto: the past meeting
is always over and the upcoming one and the poll's slots always ahead, whenever the demo is
first loaded. Documents are small text and CSV files generated here, with invented figures.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

# The people are those of demo.content, by the same short names.
from demo.content import (
    _ANIM,
    _CATHERINE,
    _ETIENNE,
    _FREDERIC,
    _HUGO,
    _JOSEE,
    _KEVIN,
    _LAURENCE,
    _M1,
    _M2,
    _MELANIE,
    _NICOLAS,
    _RACHEL,
    _VINCENT,
)

# Values of meetings.models (MeetingMode, Presence, Answer, PollAnswer), spelled out so this
# module stays plain data below the meetings app.
VIRTUAL, IN_PERSON, HYBRID = "virtual", "in_person", "hybrid"
ONLINE = "online"
YES, NO, MAYBE, IF_NEEDED = "yes", "no", "maybe", "if_needed"

VIDEO_URL = "https://meet.jit.si/espace-muni-demo"


@dataclass(frozen=True)
class When:
    days: int  # from the first load; negative for the past
    hour: int
    minute: int = 0
    minutes_long: int = 90


@dataclass(frozen=True)
class DemoDocument:
    space: str
    folder: str
    title: str
    file_name: str
    description: str
    content: bytes


@dataclass(frozen=True)
class DemoMeeting:
    space: str
    title: str
    when: When
    mode: str
    agenda: str
    address: str = ""
    video_url: str = ""
    capacity: int | None = None
    # Held meetings: who came (email → presence), guests, minutes and the minutes document.
    attendees: tuple[tuple[str, str], ...] = ()
    guests: int = 0
    minutes: str = ""
    minutes_document: str = ""  # title of a DemoDocument of the same space
    # Upcoming meetings: the members' answers, in order.
    answers: tuple[tuple[str, str], ...] = ()

    @property
    def held(self) -> bool:
        return self.when.days < 0


@dataclass(frozen=True)
class DemoPoll:
    space: str
    title: str
    agenda: str
    slots: tuple[When, ...]
    # One answer per slot, in the order of ``slots``.
    votes: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class DemoAttachedMessage:
    """A thread whose opening message carries a document, as when someone shares a file."""

    space: str
    title: str
    author: str
    body: str
    document: str  # title of a DemoDocument of the same space
    replies: tuple[tuple[str, str], ...] = ()  # (author, body)


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    # Semicolons and a BOM: what a French-language spreadsheet opens without asking.
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _text(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


_AUTUMN_MINUTES = (
    "**Présences** : six villes représentées, une personne invitée du milieu communautaire.\n\n"
    "1. **Vision du Réseau** : la version révisée est adoptée ; elle sera présentée aux "
    "directions des villes d'ici l'hiver.\n"
    "2. **Évaluation d'impacts** : Longueuil et Saguenay partagent leur grille ; un "
    "sous-groupe compare les indicateurs d'ici la prochaine rencontre.\n"
    "3. **Prochaine rencontre** : en virtuel, sur l'évaluation d'impacts."
)

DOCUMENTS: tuple[DemoDocument, ...] = (
    DemoDocument(
        space="grandes-villes", folder="Rencontres 2025-2026",
        title="Compte rendu — rencontre d'automne", file_name="compte-rendu-automne.txt",
        description="Compte rendu adopté de la rencontre d'automne du Réseau.",
        content=_text([
            "Réseau des grandes villes en développement social",
            "Compte rendu — rencontre d'automne (virtuelle)",
            "",
            _AUTUMN_MINUTES.replace("**", ""),
        ]),
    ),
    DemoDocument(
        space="grandes-villes", folder="Rencontres 2025-2026",
        title="Indicateurs d'évaluation d'impacts", file_name="indicateurs-impacts.csv",
        description="Indicateurs suivis par les villes du sous-groupe (données fictives).",
        content=_csv([
            ["Indicateur", "Source", "Fréquence", "Villes qui le suivent"],
            ["Ménages à faible revenu", "Recensement", "5 ans", "4"],
            ["Fréquentation des organismes", "Organismes partenaires", "Annuelle", "3"],
            ["Participation citoyenne aux consultations", "Ville", "Par projet", "5"],
            ["Sentiment de sécurité", "Sondage municipal", "2 ans", "2"],
        ]),
    ),
    DemoDocument(
        space="rma", folder="Outils",
        title="Liste de vérification — événements accessibles",
        file_name="liste-verification-evenements.txt",
        description="À passer en revue avant chaque événement municipal.",
        content=_text([
            "Liste de vérification — événements accessibles",
            "",
            "[ ] Parcours sans obstacle de l'arrêt d'autobus à l'entrée",
            "[ ] Toilettes accessibles signalées",
            "[ ] Places assises réservées près de la scène",
            "[ ] Interprétation en LSQ demandée au moins trois semaines à l'avance",
            "[ ] Programme disponible en gros caractères et en format numérique",
            "[ ] Personne-ressource identifiée sur place",
        ]),
    ),
    DemoDocument(
        space="rma", folder="Outils",
        title="Inventaire des parcs inclusifs", file_name="inventaire-parcs.csv",
        description="Modèle d'inventaire, rempli avec des exemples fictifs.",
        content=_csv([
            ["Parc", "Surface amortissante", "Balançoire adaptée", "Sentier accessible"],
            ["Parc des Érables", "oui", "oui", "oui"],
            ["Parc du Ruisseau", "oui", "non", "partiel"],
            ["Parc de la Gare", "non", "non", "oui"],
        ]),
    ),
)

MEETINGS: tuple[DemoMeeting, ...] = (
    DemoMeeting(
        space="grandes-villes", title="Rencontre d'automne du Réseau",
        when=When(days=-21, hour=13, minute=30, minutes_long=120), mode=VIRTUAL,
        video_url=VIDEO_URL,
        agenda="1. Tour de table\n2. Vision du Réseau : version révisée\n"
               "3. Évaluation d'impacts : partage des grilles",
        attendees=((_ANIM, ONLINE), (_M1, ONLINE), (_M2, ONLINE), (_JOSEE, ONLINE),
                   (_ETIENNE, ONLINE), (_MELANIE, ONLINE)),
        guests=1, minutes=_AUTUMN_MINUTES,
        minutes_document="Compte rendu — rencontre d'automne",
    ),
    DemoMeeting(
        space="grandes-villes", title="Rencontre d'hiver : évaluation d'impacts",
        when=When(days=12, hour=10), mode=VIRTUAL, video_url=VIDEO_URL,
        agenda="1. Retour du sous-groupe sur les indicateurs\n"
               "2. Choix de trois indicateurs communs\n3. Varia",
        answers=((_M1, YES), (_JOSEE, YES), (_M2, YES), (_ETIENNE, MAYBE), (_MELANIE, NO)),
    ),
    DemoMeeting(
        space="rma", title="Atelier sur les parcs inclusifs",
        when=When(days=-9, hour=9, minutes_long=180), mode=HYBRID,
        address="Centre communautaire, 250 rue Principale (salle B, accès de plain-pied)",
        video_url=VIDEO_URL,
        agenda="1. Visite d'un parc réaménagé\n2. Retour en salle : ce qui a marché\n"
               "3. Inventaire des parcs : le modèle commun",
        attendees=((_ANIM, IN_PERSON), (_HUGO, IN_PERSON), (_VINCENT, ONLINE),
                   (_CATHERINE, IN_PERSON), (_RACHEL, ONLINE), (_M1, ONLINE)),
        guests=3,
        minutes="Visite appréciée ; la surface amortissante coulée sur place fait consensus. "
                "Chaque municipalité remplit l'**inventaire des parcs** (dossier *Outils*) "
                "avant le printemps.",
    ),
    DemoMeeting(
        space="metaprisme", title="Préparer l'été : accueil en camp de jour",
        when=When(days=20, hour=13, minutes_long=150), mode=IN_PERSON,
        address="Maison des loisirs, 75 boulevard des Sports", capacity=12,
        agenda="1. Bilan de l'été dernier\n2. Formation des animatrices et animateurs\n"
               "3. Accompagnement individuel : demandes et ressources",
        answers=((_FREDERIC, YES), (_LAURENCE, YES), (_NICOLAS, YES), (_KEVIN, MAYBE),
                 (_M1, NO)),
    ),
)

POLLS: tuple[DemoPoll, ...] = (
    DemoPoll(
        space="rma", title="Rencontre de printemps du Réseau",
        agenda="Suivi de l'inventaire des parcs et préparation de la Semaine québécoise des "
               "personnes handicapées.",
        slots=(When(days=16, hour=10), When(days=18, hour=13, minute=30),
               When(days=23, hour=10)),
        votes=((_HUGO, (YES, IF_NEEDED, NO)), (_RACHEL, (NO, YES, YES)),
               (_CATHERINE, (YES, YES, IF_NEEDED)), (_M2, (YES, NO, YES))),
    ),
)

ATTACHED_MESSAGES: tuple[DemoAttachedMessage, ...] = (
    DemoAttachedMessage(
        space="rma", title="Liste de vérification pour vos événements",
        author=_ANIM,
        body="Voici la liste de vérification dont nous avons parlé à l'atelier. Elle est aussi "
             "dans le dossier *Outils* ; ajoutez-y ce qui vous manque !",
        document="Liste de vérification — événements accessibles",
        replies=((_RACHEL, "Merci ! We'll use it for Canada Day in Hudson."),
                 (_HUGO, "Bonne idée de demander la LSQ trois semaines d'avance : chez nous, "
                         "c'est souvent là que ça coince.")),
    ),
)
