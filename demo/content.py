"""The demo data ``make run`` loads: the six communities of practice, fictional people, and a
few threads so that no space looks empty. Plain data only; ``manage.py load_demo`` loads it
through the services.

The space descriptions paraphrase Espace MUNI's 2023-2024 activity report. Everyone below is
invented: the report names real people, and none of them may appear here (tests/demo/
test_load_demo.py checks the display names against the report).

Message bodies are Markdown rendered with ``breaks`` on, so a paragraph must stay on one line
of the final string: the implicit concatenations below never contain a newline mid-paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass

from communities.models import Language

DEMO_DOMAIN = "exemple.qc.ca"
# Public on purpose: `make run` prints it, and load_demo refuses to run when DEBUG is off.
DEMO_PASSWORD = "espace-demo"  # noqa: S105

STAFF_EMAIL = "personnel@exemple.qc.ca"
FACILITATOR_EMAIL = "anim@exemple.qc.ca"
MEMBER1_EMAIL = "membre1@exemple.qc.ca"
MEMBER2_EMAIL = "membre2@exemple.qc.ca"


@dataclass(frozen=True)
class DemoSpace:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    organisation: str
    title: str
    region: str  # code from communities.regions
    language: str = Language.FRENCH
    member_of: tuple[str, ...] = ()
    facilitates: tuple[str, ...] = ()
    is_staff: bool = False


@dataclass(frozen=True)
class DemoMessage:
    author: str  # email of a DemoPerson who belongs to the thread's space
    body: str


@dataclass(frozen=True)
class DemoThread:
    space: str
    title: str
    # The first message opens the thread; the others are replies, in order.
    messages: tuple[DemoMessage, ...]


SPACES: tuple[DemoSpace, ...] = (
    DemoSpace(
        slug="grandes-villes",
        name="Réseau des grandes villes en développement social",
        description=(
            "Communauté de pratique qui réunit les villes québécoises de 100 000 habitants et "
            "plus pour échanger sur leurs pratiques en développement social. Ses membres "
            "réfléchissent au rôle que leur ville doit jouer en la matière et aux meilleures "
            "façons de l'assumer. Les rencontres, préparées par un petit comité de "
            "représentantes et de représentants des villes, ont notamment porté sur la vision "
            "du Réseau, la municipalisation du développement social et l'évaluation d'impacts."
        ),
    ),
    DemoSpace(
        slug="rma",
        name="Réseau Municipalités accessibles",
        description=(
            "Le Réseau Municipalités accessibles (RMA) rassemble des municipalités et des "
            "partenaires associatifs qui travaillent à l'accès inclusif et à la participation "
            "sociale des personnes handicapées. Sa rencontre provinciale, tenue en présentiel "
            "sous le thème « L'accès inclusif en milieu municipal, une responsabilité "
            "partagée », a lancé la réflexion qui doit mener à un guide de coresponsabilité. "
            "Cet espace permet de poursuivre les échanges entre les rencontres."
        ),
    ),
    DemoSpace(
        slug="metaprisme",
        name="Intégration en camp de jour : métaPRISME",
        description=(
            "Communauté de pratique des municipalités qui utilisent métaPRISME, l'application "
            "Web offerte depuis 2021 aux camps de jour municipaux pour gérer l'intégration des "
            "jeunes ayant des besoins particuliers et appuyer les décisions sur l'offre de "
            "services. On y discute de pratiques d'intégration inspirantes, de résolution "
            "d'enjeux et d'outils à partager. Les rencontres ont porté sur la gestion des "
            "situations de crise et de désorganisation, puis sur les bons coups, les défis de "
            "l'intégration et la meilleure façon d'utiliser l'application."
        ),
    ),
    DemoSpace(
        slug="voisins-solidaires",
        name="Voisins solidaires",
        description=(
            "Communauté de pratique des organisations qui mènent un projet Voisins solidaires, "
            "pour échanger et partager leurs expériences tout au long de la mise en œuvre. "
            "Elle se réunit en ligne, lors de rencontres planifiées par un comité de travail "
            "formé de personnes engagées dans les projets. La mobilisation citoyenne, "
            "l'isolement social et la solitude ainsi que les communications y ont été abordés."
        ),
    ),
    DemoSpace(
        slug="mae",
        name="Municipalité amie des enfants",
        description=(
            "Communauté de pratique du réseau Municipalité amie des enfants (MAE), qui "
            "reconnaît l'engagement des municipalités et des MRC à respecter et à faire "
            "progresser les droits des enfants. Lancée en présentiel pendant la Grande "
            "semaine des tout-petits, elle aide ses membres à bâtir des milieux de vie "
            "inclusifs et durables et à intégrer les droits des enfants dans leurs politiques "
            "et leurs décisions."
        ),
    ),
    DemoSpace(
        slug="accompagnement",
        name="Équipe d'accompagnement",
        description=(
            "Espace de l'équipe d'accompagnement d'Espace MUNI : une vingtaine "
            "d'accompagnatrices et d'accompagnateurs répartis dans les régions du Québec, qui "
            "soutiennent les municipalités et les MRC dans leurs démarches de politique "
            "familiale municipale (PFM) et Municipalité amie des aînés (MADA). Des sessions "
            "d'échange et des rencontres, en présentiel et en virtuel, servent à partager des "
            "conseils pratiques, à acquérir de nouvelles connaissances et à s'approprier de "
            "nouveaux contenus."
        ),
    ),
)

ALL_SLUGS = tuple(space.slug for space in SPACES)

_TEAM = "Espace MUNI (équipe d'accompagnement)"

PEOPLE: tuple[DemoPerson, ...] = (
    # The accounts `make run` advertises.
    DemoPerson(STAFF_EMAIL, "Yannick Desrosiers", "Espace MUNI",
               "soutien technique de la plateforme", "16", is_staff=True),
    DemoPerson(FACILITATOR_EMAIL, "Maude Lanctôt", "Espace MUNI",
               "animatrice des communautés de pratique", "16", facilitates=ALL_SLUGS),
    DemoPerson(MEMBER1_EMAIL, "Mathieu Thibodeau", "Espace MUNI",
               "chargé de projet en développement des communautés", "16", member_of=ALL_SLUGS),
    DemoPerson(MEMBER2_EMAIL, "Chantal Bélanger", "Ville de Sherbrooke",
               "coordonnatrice en développement social", "05",
               member_of=tuple(s for s in ALL_SLUGS if s != "accompagnement")),
    # Grandes villes: cities of 100,000 and more.
    DemoPerson("josee.lapierre@exemple.qc.ca", "Josée Lapierre", "Ville de Longueuil",
               "conseillère en développement social", "16",
               member_of=("grandes-villes", "mae")),
    DemoPerson("etienne.dufresne@exemple.qc.ca", "Étienne Dufresne", "Ville de Trois-Rivières",
               "chef de division, développement social", "04", member_of=("grandes-villes",)),
    DemoPerson("melanie.gosselin@exemple.qc.ca", "Mélanie Gosselin", "Ville de Saguenay",
               "conseillère en développement des communautés", "02",
               member_of=("grandes-villes", "voisins-solidaires")),
    DemoPerson("hugo.villeneuve@exemple.qc.ca", "Hugo Villeneuve", "Ville de Gatineau",
               "conseiller en accessibilité universelle", "07",
               member_of=("grandes-villes", "rma")),
    DemoPerson("vincent.lachance@exemple.qc.ca", "Vincent Lachance", "Ville de Québec",
               "conseiller en développement social", "03",
               member_of=("grandes-villes", "rma")),
    # Smaller municipalities and the other networks.
    DemoPerson("catherine.ouimet@exemple.qc.ca", "Catherine Ouimet",
               "Municipalité de Lac-aux-Sarcelles", "agente de développement local", "04",
               member_of=("rma", "voisins-solidaires", "mae")),
    DemoPerson("rachel.whitmore@exemple.qc.ca", "Rachel Whitmore", "Ville de Hudson",
               "coordonnatrice des loisirs et de l'accessibilité", "16",
               language=Language.ENGLISH, member_of=("rma",)),
    DemoPerson("frederic.poirier@exemple.qc.ca", "Frédéric Poirier", "Ville de Drummondville",
               "coordonnateur des camps de jour", "17", member_of=("metaprisme",)),
    DemoPerson("laurence.gagne-fortin@exemple.qc.ca", "Laurence Gagné-Fortin",
               "Ville de Terrebonne", "responsable de l'intégration en camp de jour", "14",
               member_of=("metaprisme", "mae")),
    DemoPerson("kevin.oconnor@exemple.qc.ca", "Kevin O'Connor", "Ville de Pointe-Claire",
               "superviseur des camps de jour", "06",
               language=Language.ENGLISH, member_of=("metaprisme",)),
    DemoPerson("annie.castonguay@exemple.qc.ca", "Annie Castonguay", "Ville de Rimouski",
               "agente de mobilisation citoyenne", "01", member_of=("voisins-solidaires",)),
    DemoPerson("samuel.bouchard@exemple.qc.ca", "Samuel Bouchard", "Ville de Joliette",
               "agent de participation citoyenne", "14", member_of=("voisins-solidaires",)),
    DemoPerson("emilie.fournier@exemple.qc.ca", "Émilie Fournier", "MRC des Deux-Rivages",
               "coordonnatrice de la politique familiale", "12", member_of=("mae",)),
    DemoPerson("nicolas.levesque@exemple.qc.ca", "Nicolas Lévesque", "Ville de Saint-Jérôme",
               "conseiller en loisirs et vie communautaire", "15",
               member_of=("mae", "metaprisme")),
    # The regional accompaniment team (PFM and MADA).
    DemoPerson("sophie.bergeron@exemple.qc.ca", "Sophie Bergeron", _TEAM,
               "accompagnatrice régionale PFM et MADA", "01", member_of=("accompagnement",)),
    DemoPerson("jean-francois.pelletier@exemple.qc.ca", "Jean-François Pelletier", _TEAM,
               "accompagnateur régional PFM et MADA", "08", member_of=("accompagnement",)),
    DemoPerson("marianne.labrecque@exemple.qc.ca", "Marianne Labrecque", _TEAM,
               "accompagnatrice régionale PFM et MADA", "09", member_of=("accompagnement",)),
    DemoPerson("heather.campbell@exemple.qc.ca", "Heather Campbell", _TEAM,
               "accompagnatrice régionale PFM et MADA", "07",
               language=Language.ENGLISH, member_of=("accompagnement",)),
)

_ANIM = FACILITATOR_EMAIL
_M1 = MEMBER1_EMAIL
_M2 = MEMBER2_EMAIL
_JOSEE = "josee.lapierre@exemple.qc.ca"
_ETIENNE = "etienne.dufresne@exemple.qc.ca"
_MELANIE = "melanie.gosselin@exemple.qc.ca"
_HUGO = "hugo.villeneuve@exemple.qc.ca"
_VINCENT = "vincent.lachance@exemple.qc.ca"
_CATHERINE = "catherine.ouimet@exemple.qc.ca"
_RACHEL = "rachel.whitmore@exemple.qc.ca"
_FREDERIC = "frederic.poirier@exemple.qc.ca"
_LAURENCE = "laurence.gagne-fortin@exemple.qc.ca"
_KEVIN = "kevin.oconnor@exemple.qc.ca"
_ANNIE = "annie.castonguay@exemple.qc.ca"
_SAMUEL = "samuel.bouchard@exemple.qc.ca"
_EMILIE = "emilie.fournier@exemple.qc.ca"
_NICOLAS = "nicolas.levesque@exemple.qc.ca"
_SOPHIE = "sophie.bergeron@exemple.qc.ca"
_JF = "jean-francois.pelletier@exemple.qc.ca"
_MARIANNE = "marianne.labrecque@exemple.qc.ca"
_HEATHER = "heather.campbell@exemple.qc.ca"

M = DemoMessage

THREADS: tuple[DemoThread, ...] = (
    # --- Réseau des grandes villes en développement social ---------------------------------
    DemoThread("grandes-villes", "Évaluation d'impacts : quels indicateurs suivez-vous ?", (
        M(_JOSEE,
          "Suite à notre rencontre sur l'évaluation d'impacts, je prépare le bilan de notre "
          "politique de développement social et j'aimerais comparer nos pratiques. Chez nous, "
          "on suit surtout :\n\n"
          "- le nombre de projets soutenus par quartier;\n"
          "- la participation aux instances de concertation;\n"
          "- quelques indicateurs de défavorisation tirés du recensement.\n\n"
          "Le problème : ça mesure nos **activités**, pas nos effets. Comment faites-vous ?"),
        M(_ETIENNE,
          "On s'est heurtés au même mur. On a construit un modèle logique avec nos partenaires "
          "communautaires avant de choisir les indicateurs, et on a accepté d'en garder *peu*, "
          "mais suivis chaque année. Pour les effets, on ajoute des récits de changement "
          "recueillis auprès des organismes : c'est qualitatif, mais le conseil les lit!"),
        M(_VINCENT,
          "On mène un sondage citoyen aux deux ans, avec quelques questions sur le sentiment "
          "d'appartenance et l'isolement. Ça donne une tendance, même si on ne peut pas tout "
          "attribuer à la Ville. Je peux partager le questionnaire si ça intéresse le Réseau."),
        M(_M2,
          "Oui au questionnaire! À Sherbrooke, on aimerait justement mesurer l'effet de nos "
          "tables de quartier au-delà du taux de participation."),
        M(_ANIM,
          "Merci pour ces partages! Je propose une courte fiche qui compare nos approches pour "
          "la prochaine rencontre. Vincent, si tu déposes le questionnaire ici, je l'ajoute."),
    )),
    DemoThread("grandes-villes", "Prochaine rencontre : la municipalisation du développement "
               "social", (
        M(_ANIM,
          "Bonjour à toutes et à tous,\n\n"
          "Le comité de préparation s'est réuni hier. Nous proposons de poursuivre la réflexion "
          "sur la **municipalisation du développement social** : jusqu'où la Ville doit-elle "
          "porter elle-même des actions qui relevaient surtout du milieu communautaire ?\n\n"
          "Trois questions de départ :\n\n"
          "1. Quelles responsabilités votre ville a-t-elle prises en charge récemment ?\n"
          "2. Comment préservez-vous l'autonomie des organismes ?\n"
          "3. Quels moyens (budget, personnel) y consacrez-vous ?\n\n"
          "Ajoutez vos idées dans ce fil d'ici deux semaines."),
        M(_M1,
          "Je suggère d'ajouter un court retour sur la vision du Réseau discutée à la première "
          "rencontre, pour garder le fil d'une rencontre à l'autre."),
        M(_MELANIE,
          "À Saguenay, on vit la question très concrètement avec le soutien aux haltes-chaleur "
          "l'hiver. Je pourrais présenter notre cas en dix minutes."),
        M(_HUGO,
          "Bonne idée. J'aimerais aussi qu'on parle de l'accessibilité universelle comme "
          "composante du développement social : elle est souvent traitée à part."),
    )),
    # --- Réseau Municipalités accessibles ---------------------------------------------------
    DemoThread("rma", "Accessibilité des bâtiments municipaux : par où commencer ?", (
        M(_CATHERINE,
          "Notre conseil veut rendre l'hôtel de ville et le centre communautaire plus "
          "accessibles, mais on part de loin et le budget est modeste. Par où "
          "commenceriez-vous ?"),
        M(_HUGO,
          "On a commencé par une visite des lieux **avec des personnes handicapées** du milieu, "
          "avant même d'appeler une firme. Les priorités qui en sont ressorties :\n\n"
          "- l'entrée principale (rampe, porte à ouverture automatique);\n"
          "- une toilette accessible au rez-de-chaussée;\n"
          "- un comptoir d'accueil abaissé;\n"
          "- une signalisation contrastée et lisible.\n\n"
          "Ce sont souvent des travaux modestes qui changent tout."),
        M(_RACHEL,
          "Same experience in Hudson. One tip: check the *whole path* from the parking lot to "
          "the door, not just the door. We once had a beautiful ramp at the end of a gravel "
          "path nobody could use in a wheelchair."),
        M(_ANIM,
          "Merci Hugo et Rachel! Catherine, l'Office des personnes handicapées du Québec offre "
          "du soutien-conseil aux municipalités : voir [le site de "
          "l'OPHQ](https://www.ophq.gouv.qc.ca/). Espace MUNI collabore aussi avec l'Office; "
          "on pourra en reparler à la prochaine rencontre."),
        M(_CATHERINE,
          "Parfait, je vais proposer au conseil de commencer par une visite avec des "
          "citoyennes et des citoyens concernés. Merci!"),
    )),
    DemoThread("rma", "Guide de coresponsabilité : suites de la rencontre provinciale", (
        M(_ANIM,
          "La rencontre provinciale *L'accès inclusif en milieu municipal, une responsabilité "
          "partagée* a lancé la réflexion sur un **guide de coresponsabilité**. Pour avancer, "
          "nous aimerions recueillir vos exemples de partage des responsabilités entre la "
          "municipalité et les partenaires associatifs. Qui veut commencer ?"),
        M(_VINCENT,
          "Chez nous, des organismes de défense des droits siègent au comité de suivi du plan "
          "d'action à l'égard des personnes handicapées. Ils valident les priorités chaque "
          "année et nous aident à rejoindre les personnes concernées."),
        M(_M2,
          "Nous avons une entente avec un organisme local pour l'accompagnement en loisir : la "
          "Ville finance, l'organisme forme les accompagnatrices et accompagnateurs. Le défi, "
          "c'est de clarifier qui fait quoi quand il y a un pépin."),
        M(_M1,
          "Ces deux exemples montrent bien deux niveaux, la *gouvernance* et les *services*. "
          "Ça pourrait structurer le guide."),
    )),
    # --- Intégration en camp de jour : métaPRISME -------------------------------------------
    DemoThread("metaprisme", "Situations de crise et de désorganisation : vos protocoles", (
        M(_FREDERIC,
          "Après notre rencontre sur la gestion des crises, je revois le protocole de nos camps "
          "de jour. Le nôtre prévoit :\n\n"
          "1. sécuriser le jeune et le groupe;\n"
          "2. appeler la personne-ressource en intégration;\n"
          "3. informer le parent le jour même;\n"
          "4. consigner l'intervention pour ajuster le plan d'accompagnement.\n\n"
          "Qu'est-ce qui figure dans le vôtre ?"),
        M(_LAURENCE,
          "On a ajouté une étape **avant** la crise : une fiche des signes précurseurs pour "
          "chaque jeune, remplie avec le parent à l'inscription. Les animatrices et animateurs "
          "la consultent en début de semaine, et les désorganisations ont beaucoup diminué."),
        M(_KEVIN,
          "We do something similar. We also set up a quiet corner on each site, with a few "
          "sensory tools. Our counsellors say it was the most useful thing we added last "
          "summer."),
        M(_ANIM,
          "Très belles pratiques! Je note la fiche des signes précurseurs et le coin calme pour "
          "la boîte à outils de la communauté."),
    )),
    DemoThread("metaprisme", "Préparer l'été : décider de l'accompagnement avec métaPRISME", (
        M(_LAURENCE,
          "Les inscriptions arrivent. Comment utilisez-vous les données de métaPRISME pour "
          "décider du type d'accompagnement ? On hésite entre l'accompagnement individuel et "
          "l'accompagnement partagé pour plusieurs jeunes."),
        M(_NICOLAS,
          "On regarde les besoins notés dans l'application par groupe d'âge et par site, puis "
          "on tient une rencontre d'équipe avant d'attribuer les ressources. L'application "
          "nous aide surtout à *justifier* nos choix auprès de la direction."),
        M(_FREDERIC,
          "Même chose chez nous. L'accompagnement partagé fonctionne bien pour les 9-12 ans, "
          "beaucoup moins pour les plus petits."),
        M(_M1,
          "Rappel utile de notre rencontre sur les bons coups et les défis : transmettre les "
          "informations à l'équipe d'animation dès la formation du printemps, pas la veille "
          "de l'ouverture."),
    )),
    # --- Voisins solidaires -----------------------------------------------------------------
    DemoThread("voisins-solidaires", "Rejoindre les personnes isolées : ce qui a marché", (
        M(_ANNIE,
          "Notre projet vise les personnes aînées qui vivent seules. Les affiches et les "
          "publications sur les réseaux sociaux rejoignent surtout des gens déjà actifs. "
          "Qu'est-ce qui a fonctionné chez vous pour rejoindre les personnes vraiment isolées ?"),
        M(_SAMUEL,
          "Le porte-à-porte par des voisines et voisins bénévoles, en duo, avec un petit carton "
          "d'invitation. C'est lent, mais c'est ce qui a le mieux marché. On mise aussi sur les "
          "lieux de passage : pharmacie, épicerie, caisse populaire."),
        M(_MELANIE,
          "Nous avons formé des *sentinelles* : facteurs, bénévoles de la popote roulante, "
          "concierges. Elles n'interviennent pas; elles savent seulement vers qui diriger une "
          "personne qui semble seule."),
        M(_M2,
          "L'isolement social et la solitude pourraient revenir à une prochaine rencontre : il "
          "y a clairement de l'intérêt!"),
    )),
    DemoThread("voisins-solidaires", "Campagne « Se voisiner » : adapter les messages", (
        M(_SAMUEL,
          "Nous voulons reprendre les trois messages de la campagne sur la solidarité dans le "
          "voisinage :\n\n"
          "- *Se voisiner, c'est se saluer lorsqu'on se croise dans la rue.*\n"
          "- *Se voisiner, c'est prendre des nouvelles.*\n"
          "- *Se voisiner, c'est passer du temps ensemble.*\n\n"
          "Quelqu'un les a-t-il adaptés avec des photos de son propre quartier ?"),
        M(_CATHERINE,
          "Oui : des photos de citoyennes et de citoyens de chez nous, prises avec leur accord. "
          "Elles ont **beaucoup** plus circulé que les visuels génériques."),
        M(_ANIM,
          "Belle idée. Le comité de travail prépare la rencontre sur les communications : vos "
          "exemples de publications sont les bienvenus. Le site d'[Espace "
          "MUNI](https://espacemuni.org/) présente aussi la Fête du voisinage, un bon tremplin "
          "pour la campagne."),
    )),
    # --- Municipalité amie des enfants ------------------------------------------------------
    DemoThread("mae", "Consulter les enfants : des méthodes pour les 6-12 ans", (
        M(_EMILIE,
          "Notre MRC renouvelle sa reconnaissance MAE et nous voulons consulter les enfants "
          "**eux-mêmes**, pas seulement leurs parents. Quelles méthodes avez-vous utilisées "
          "avec les 6-12 ans ?"),
        M(_CATHERINE,
          "Nous sommes allés dans les classes, avec l'accord de l'école. Les enfants ont dessiné "
          "leur trajet vers l'école et marqué les endroits où ils ne se sentent pas en "
          "sécurité. Les réponses étaient très concrètes : traverses, trottoirs, éclairage."),
        M(_NICOLAS,
          "Chez nous, un *conseil des jeunes* de 10 à 12 ans se réunit quatre fois par année. "
          "Deux conseils :\n\n"
          "- donnez-leur un vrai sujet sur lequel la Ville va agir;\n"
          "- revenez les voir pour leur dire ce qui a été fait.\n\n"
          "Sinon, ils décrochent vite."),
        M(_LAURENCE,
          "Nous avons fait une consultation au camp de jour, sous forme de jeu. C'est là qu'on "
          "rejoint le plus d'enfants à la fois!"),
        M(_ANIM,
          "Merci! Le droit des enfants d'être entendus est au cœur du programme MAE : vos "
          "exemples pourraient nourrir une fiche pratique pour tout le réseau."),
    )),
    DemoThread("mae", "Grande semaine des tout-petits : vos activités", (
        M(_ANIM,
          "La Grande semaine des tout-petits approche; c'est pendant cette semaine que nous "
          "avons lancé la communauté MAE en présentiel. Qu'est-ce que vous préparez cette "
          "année ?"),
        M(_JOSEE,
          "Des lectures de contes dans les parcs et une fête familiale à la bibliothèque. Pour "
          "la Journée internationale des droits de l'enfant, nous affichons aussi les droits "
          "des enfants dans nos bâtiments municipaux."),
        M(_M1,
          "Suggestion : partagez vos affiches ici. Ça donne des idées aux petites "
          "municipalités qui n'ont pas de service des communications."),
        M(_EMILIE,
          "Bonne idée, je dépose celle de la MRC dès qu'elle est prête."),
    )),
    # --- Équipe d'accompagnement ------------------------------------------------------------
    DemoThread("accompagnement", "Comité de pilotage MADA qui s'essouffle : des conseils ?", (
        M(_JF,
          "Dans une de mes municipalités, le comité de pilotage MADA perd des membres à "
          "mi-parcours : la consultation est faite, mais le plan d'action n'avance pas. Comment "
          "relancez-vous un comité dans ce cas ?"),
        M(_SOPHIE,
          "Je ramène le comité aux résultats de la consultation : on relit ensemble ce que les "
          "personnes aînées ont dit, ça redonne du sens. Ensuite, je découpe le plan d'action "
          "en petits chantiers, chacun avec une personne responsable."),
        M(_HEATHER,
          "I also check whether the meeting times still work for people. In one town we moved "
          "from evenings to late mornings, and two retired members came back."),
        M(_MARIANNE,
          "Et il ne faut pas hésiter à solliciter l'élue ou l'élu responsable du dossier aînés : "
          "un appui visible du conseil aide beaucoup à remobiliser."),
        M(_ANIM,
          "Excellent échange. J'en fais le sujet de notre prochaine session d'échange."),
    )),
    DemoThread("accompagnement", "Nouveaux outils PFM : vos premières impressions", (
        M(_ANIM,
          "Le coffre à outils PFM s'est enrichi de trois outils :\n\n"
          "- *Bâtir un portrait statistique* (version allégée);\n"
          "- *Outil de réflexion sur les enjeux*;\n"
          "- *Mise en œuvre et suivi du plan d'action*.\n\n"
          "Prenez le temps de les explorer : nous en discuterons à la prochaine session "
          "d'échange, surtout de la façon de les présenter aux comités."),
        M(_M1,
          "J'ai essayé la version allégée du portrait statistique avec une petite "
          "municipalité : **beaucoup** plus facile à présenter à un comité de bénévoles."),
        M(_SOPHIE,
          "Question pratique : remettez-vous l'outil de suivi directement au comité, ou "
          "l'adaptez-vous d'abord avec la personne responsable à la municipalité ?"),
        M(_MARIANNE,
          "Je l'adapte d'abord avec la personne responsable, sinon le comité se perd dans les "
          "détails."),
    )),
)
