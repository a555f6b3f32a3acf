"""Search over 200,000 French messages on PostgreSQL: p50/p95 query time (issue 3).

    python -m bench.search [--messages 200000] [--queries 200] [--database-url URL]

Creates a fresh database ``bench_search`` (dropped first if it exists), migrates it, loads
spaces, people, threads and messages in bulk (COPY; the generated ``search_vector`` columns are
computed by PostgreSQL as the rows arrive, the GIN indexes are rebuilt once at the end, as a
bulk import would), then times ``communities.search.search`` (the function the API and the page
call: the ranked page of ids, then the page's messages with their ``ts_headline`` excerpts)
for ``--queries`` queries of one to three words, as a member of 8 of the 30 spaces and as
platform staff (every space). Writes bench/results/search-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.common import percentile

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_search"
SPACES = 30
MEMBER_OF = 8
PEOPLE = 600
MESSAGES_PER_THREAD = 25

# --- a small generator of plausible messages between Quebec municipal employees -------------
TOPICS = [
    "l'accessibilité universelle", "le déneigement des trottoirs", "les pistes cyclables",
    "les bibliothèques de quartier", "les camps de jour", "les jardins communautaires",
    "le budget participatif", "la consultation publique", "le transport collectif",
    "les patinoires extérieures", "les piscines municipales", "la politique familiale",
    "les aînés isolés", "la sécurité routière autour des écoles", "les parcs riverains",
    "la gestion des matières résiduelles", "le compostage", "la revitalisation du centre-ville",
    "les logements abordables", "l'inclusion des personnes immigrantes",
    "les déjeuners-causeries", "les rencontres régionales", "la signalisation",
    "les bornes de recharge", "l'éclairage des rues", "les îlots de chaleur",
    "la plantation d'arbres", "les ruelles vertes", "le plan de mobilité durable",
    "les loisirs adaptés", "les haltes-garderies", "la participation citoyenne",
]
PLACES = [
    "à Laval", "à Gatineau", "à Sherbrooke", "à Trois-Rivières", "à Rimouski", "à Saguenay",
    "à Lévis", "à Longueuil", "dans notre arrondissement", "en Montérégie", "en Estrie",
    "dans la MRC", "au conseil municipal", "au comité consultatif",
]
OBJECTS = [
    "un guide pratique", "une grille d'évaluation", "un gabarit de rapport",
    "les résultats du sondage", "une présentation", "le compte rendu", "un devis technique",
    "la politique adoptée", "le plan d'action", "une fiche synthèse", "des photos avant-après",
    "le calendrier des travaux", "une étude de cas", "le bilan annuel",
]
SENTENCES = [
    "Bonjour à toutes et à tous, je me demandais comment vous gérez {topic} {place}.",
    "Nous venons d'adopter une nouvelle approche pour {topic} et je peux partager {obj}.",
    "Merci pour {obj}, c'est exactement ce qu'il nous fallait pour {topic}.",
    "Est-ce que quelqu'un a {obj} sur {topic} ? Nous devons présenter le dossier {place}.",
    "Chez nous, {topic} relève du service des travaux publics, en collaboration avec les loisirs.",
    "La prochaine rencontre portera sur {topic} ; vous pouvez proposer des sujets d'ici vendredi.",
    "J'ai retrouvé {obj} préparé l'an dernier {place}, je le dépose dans le fil.",
    "Les citoyens nous ont beaucoup parlé de {topic} lors de la dernière séance publique.",
    "Nous avons réduit les délais de moitié en revoyant le processus pour {topic}.",
    "Attention : les subventions du ministère pour {topic} se terminent le 31 mars.",
    "Bonne idée ! Nous pourrions organiser un atelier sur {topic} {place} cet automne.",
    "Je vous transmets {obj} ; n'hésitez pas à l'adapter à votre réalité.",
    "Le conseil a demandé un portrait complet de {topic} avant d'aller plus loin.",
    "Quelqu'un aurait-il des indicateurs de suivi pour {topic} ?",
    "Les élus veulent voir {obj} avant la fin du mois.",
    "Nos équipes ont testé une solution pour {topic} {place}, avec des résultats encourageants.",
    "Je confirme ma présence au déjeuner-causerie de jeudi.",
    "Excellente discussion hier, merci à l'animation pour la synthèse.",
    "Pour {topic}, nous travaillons avec les organismes communautaires du secteur.",
    "Le budget prévu pour {topic} a été révisé à la hausse cette année.",
]
TITLES = [
    "Question sur {topic}", "Partage : {obj}", "Retour sur {topic} {place}",
    "{topic_cap} : vos pratiques ?", "Atelier sur {topic}", "Bilan de {topic}",
]


def _fill(template: str, rng: random.Random) -> str:
    topic = rng.choice(TOPICS)
    return template.format(topic=topic, topic_cap=topic[0].upper() + topic[1:],
                           place=rng.choice(PLACES), obj=rng.choice(OBJECTS))


def message_body(rng: random.Random) -> str:
    return " ".join(_fill(rng.choice(SENTENCES), rng) for _ in range(rng.randint(1, 5)))


def thread_title(rng: random.Random) -> str:
    return _fill(rng.choice(TITLES), rng)[:200]


# Words people type: some with accents, some without, singular or plural, one to three words.
QUERY_WORDS = [
    "accessibilité", "accessibilite", "déneigement", "deneigement", "trottoir", "trottoirs",
    "piste cyclable", "bibliothèque", "bibliotheques", "camp de jour", "jardin communautaire",
    "budget participatif", "consultation", "transport collectif", "patinoire", "piscines",
    "politique familiale", "aînés", "aines", "sécurité routière", "parc", "compostage",
    "centre-ville", "logement abordable", "immigrant", "dejeuner causerie", "rencontre",
    "rencontres régionales", "signalisation", "borne recharge", "éclairage", "ilot chaleur",
    "arbres", "ruelle verte", "mobilité durable", "loisirs adaptés", "halte-garderie",
    "participation citoyenne", "guide", "grille évaluation", "sondage", "devis",
    "compte rendu", "plan d'action", "subvention", "ministère", "Laval", "Gatineau",
    "Sherbrooke", "Rimouski", "Montérégie", "Estrie", "conseil", "élus", "atelier", "bilan",
    "indicateurs", "organismes communautaires", "processus", "hippopotame", "zèbre rayé",
]


def queries(count: int, rng: random.Random) -> list[str]:
    chosen = []
    for _ in range(count):
        words = rng.choice(QUERY_WORDS)
        if len(words.split()) == 1 and rng.random() < 0.4:  # add a second or third word
            words += " " + " ".join(rng.choice(QUERY_WORDS).split()[0]
                                    for _ in range(rng.randint(1, 2)))
        chosen.append(" ".join(words.split()[:3]))
    return chosen


# --- database --------------------------------------------------------------------------------
def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("bench_"):
        raise SystemExit(f"refusing to recreate {name!r}: the bench only drops bench_* databases")
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "collab.settings"
    os.environ["DATABASE_POOL"] = "false"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def load(messages: int, rng: random.Random) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from communities.models import Membership, Role, Space, User

    started = time.monotonic()
    password = make_password("banc-d-essai-recherche")
    spaces = Space.objects.bulk_create(
        [Space(slug=f"espace-{i}", name=f"Communauté de pratique {i}") for i in range(SPACES)])
    people = User.objects.bulk_create(
        [User(email=f"p{i}@bench.invalid", display_name=f"Personne {i}", password=password,
              organisation=rng.choice(PLACES)[2:].strip()) for i in range(PEOPLE)],
        batch_size=1000)
    member = User.objects.create(email="membre@bench.invalid", display_name="Membre",
                                 password=password)
    staff = User.objects.create(email="staff@bench.invalid", display_name="Personnel",
                                password=password, is_staff=True)
    memberships = [Membership(space=space, user=member, role=Role.MEMBER)
                   for space in spaces[:MEMBER_OF]]
    members_of: dict[int, list[int]] = {}
    for space in spaces:
        chosen = rng.sample(people, 60)
        members_of[space.pk] = [u.pk for u in chosen]
        memberships += [Membership(space=space, user=u, role=Role.MEMBER) for u in chosen]
    Membership.objects.bulk_create(memberships, batch_size=2000)

    threads = max(1, messages // MESSAGES_PER_THREAD)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with connection.cursor() as cursor:
        # A bulk import: the GIN indexes are rebuilt once after the load.
        cursor.execute("DROP INDEX communities_message_search")
        cursor.execute("DROP INDEX communities_thread_search")
        raw = cursor.cursor
        thread_rows = []
        with raw.copy("COPY communities_thread (space_id, title, author_id, created_at, "
                      "last_activity_at, message_count) FROM STDIN") as copy:
            for t in range(threads):
                space = spaces[t % SPACES]
                when = start + timedelta(minutes=t * 60)
                author = rng.choice(members_of[space.pk])
                thread_rows.append((space.pk, when))
                copy.write_row((space.pk, thread_title(rng), author, when, when,
                                MESSAGES_PER_THREAD))
        cursor.execute("SELECT id FROM communities_thread ORDER BY id")
        thread_ids = [row[0] for row in cursor.fetchall()]
        with raw.copy("COPY communities_message (thread_id, author_id, body, html, created_at, "
                      "client_id) FROM STDIN") as copy:
            for n in range(messages):
                t = n % threads
                space_id, opened = thread_rows[t]
                body = message_body(rng)
                copy.write_row((thread_ids[t], rng.choice(members_of[space_id]), body,
                                f"<p>{body}</p>", opened + timedelta(seconds=n), ""))
        loaded = time.monotonic()
        cursor.execute("CREATE INDEX communities_message_search ON communities_message "
                       "USING gin (search_vector)")
        cursor.execute("CREATE INDEX communities_thread_search ON communities_thread "
                       "USING gin (search_vector)")
        indexed = time.monotonic()
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('communities_message_search')), "
                       "pg_size_pretty(pg_total_relation_size('communities_message'))")
        index_size, table_size = cursor.fetchone()
    return {
        "member_id": member.pk, "staff_id": staff.pk, "threads": threads,
        "messages": messages, "load_seconds": round(loaded - started, 1),
        "index_seconds": round(indexed - loaded, 1), "gin_index_size": index_size,
        "message_table_size": table_size,
    }


def time_queries(user_id: int, texts: list[str]) -> dict[str, Any]:
    from communities.models import User
    from communities.search import search

    user = User.objects.get(pk=user_id)
    for text in texts[:20]:  # warm the caches the way a running server has them
        search(user=user, q=text)
    timings, counts = [], []
    for text in texts:
        begin = time.perf_counter()
        page = search(user=user, q=text)
        timings.append((time.perf_counter() - begin) * 1000)
        counts.append(len(page.hits))
    return {
        "queries": len(texts),
        "p50_ms": round(percentile(timings, 0.50), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
        "max_ms": round(max(timings), 2),
        "with_results": sum(1 for c in counts if c),
        "slowest": sorted(zip(timings, texts, strict=True), reverse=True)[:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the search bench runs on PostgreSQL")
    rng = random.Random(args.seed)
    began = time.monotonic()
    recreate_database(args.database_url)
    setup_django(args.database_url)
    data = load(args.messages, rng)
    print(f"chargé : {data['messages']:,} messages dans {data['threads']:,} fils en "
          f"{data['load_seconds']} s, index GIN en {data['index_seconds']} s "
          f"({data['gin_index_size']}, table {data['message_table_size']})".replace(",", " "))
    texts = queries(args.queries, rng)
    results = {
        "member": time_queries(data["member_id"], texts),
        "staff": time_queries(data["staff_id"], texts),
    }
    for who, label in (("member", f"membre de {MEMBER_OF}/{SPACES} espaces"),
                       ("staff", "personnel (tous les espaces)")):
        r = results[who]
        print(f"{label:32} p50 {r['p50_ms']:7.2f} ms  p95 {r['p95_ms']:7.2f} ms  "
              f"p99 {r['p99_ms']:7.2f} ms  max {r['max_ms']:7.2f} ms  "
              f"({r['with_results']}/{r['queries']} requêtes avec résultats)")
    total = round(time.monotonic() - began, 1)
    print(f"durée totale : {total} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"search-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"data": data, "results": results, "total_seconds": total,
                               "python": sys.version.split()[0]}, indent=2,
                              ensure_ascii=False, default=str))
    print(f"résultats : {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
