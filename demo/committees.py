"""The demo's committees and questions: the working committee of five that plans the Voisins
solidaires meetings (as the activity report describes it), with its own thread, and a question
of the space answered by a member. Fictional people only (demo/content.py)."""

from __future__ import annotations

from collections import Counter

from communities.models import Space, Thread, User
from communities.services.committees import create_committee
from communities.services.discussion import post_message, start_thread
from communities.services.questions import mark_answer
from demo.content import FACILITATOR_EMAIL

PLANNING = "Comité de planification"
PLANNING_SPACE = "voisins-solidaires"
PLANNING_MEMBERS = ("melanie.gosselin@exemple.qc.ca", "catherine.ouimet@exemple.qc.ca",
                    "annie.castonguay@exemple.qc.ca", "samuel.bouchard@exemple.qc.ca")
PLANNING_THREAD = ("Ordre du jour de la rencontre d'automne", (
    (FACILITATOR_EMAIL, "Bonjour le comité ! Je propose trois points pour la rencontre "
                        "d'automne : le bilan de la campagne « Se voisiner », la fête des "
                        "voisins de juin et un atelier sur les personnes isolées. Qu'en "
                        "pensez-vous ?"),
    ("annie.castonguay@exemple.qc.ca", "D'accord pour les trois. Rimouski peut présenter son "
                                       "porte-à-porte de l'été, en 15 minutes."),
    ("samuel.bouchard@exemple.qc.ca", "J'ajouterais un tour de table rapide au début : "
                                      "plusieurs nouvelles organisations se sont jointes."),
))
QUESTION = ("Assurance responsabilité pour une fête de rue ?", (
    ("catherine.ouimet@exemple.qc.ca", "Pour notre fête de rue de juin, notre assureur demande "
                                       "une attestation. Comment avez-vous fait, vous ?"),
    ("melanie.gosselin@exemple.qc.ca", "À Saguenay, la fête est couverte par la police de la "
                                       "Ville quand elle figure au calendrier des événements "
                                       "municipaux : il suffit de l'inscrire six semaines "
                                       "avant."),
    ("annie.castonguay@exemple.qc.ca", "Même chose à Rimouski. Demandez aussi au comité de "
                                       "citoyens s'il a sa propre assurance."),
))


def _thread(*, space: Space, people: dict[str, User], seed: tuple, is_question: bool) -> Thread:
    title, messages = seed
    (author, body), *replies = messages
    thread = start_thread(actor=people[author], space=space, title=title, body=body,
                          is_question=is_question).thread
    for author, body in replies:
        post_message(actor=people[author], thread=thread, body=body)
    return thread


def load_committees(*, people: dict[str, User], spaces: dict[str, Space],
                    created: Counter[str], kept: Counter[str]) -> None:
    space = spaces[PLANNING_SPACE]
    committee = Space.objects.filter(parent=space, name=PLANNING).first()
    if committee is not None:
        kept["comités"] += 1
    else:
        committee = create_committee(
            actor=people[FACILITATOR_EMAIL], space=space, name=PLANNING,
            description="Prépare les rencontres de la communauté de pratique.",
            members=[people[email].pk for email in PLANNING_MEMBERS])
        _thread(space=committee, people=people, seed=PLANNING_THREAD, is_question=False)
        created["comités"] += 1
    if Thread.objects.filter(space=space, title=QUESTION[0]).exists():
        kept["fils"] += 1
        return
    question = _thread(space=space, people=people, seed=QUESTION, is_question=True)
    answer = question.messages.order_by("pk")[1]
    mark_answer(actor=people[QUESTION[1][0][0]], thread=question, message_id=answer.pk)
    created["fils"] += 1
