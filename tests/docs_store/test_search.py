"""Finding documents: by title and description at once, by the text of PDF, text and CSV files
once the background task has run (never during the upload), new versions re-extracted, bounds
on huge files, failures that leave the title searchable, membership and the trash; the page
and the API. Runs on SQLite (FTS5) and, with DATABASE_URL, on PostgreSQL (tsvector)."""

from __future__ import annotations

import io
import logging
import tracemalloc
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from communities.services.spaces import remove_member
from docs_store import services
from docs_store.extraction import clean, extract_version_text
from docs_store.models import Document, DocumentVersion, TextStatus
from docs_store.search import search_documents
from tests.clients import api_client_for, client_for
from tests.conftest import People
from tests.docs_store.pdfs import pdf_with_pages
from tests.docs_store.samples import PNG
from tests.queries import count_queries

# The worker closes the database connection when it is done, as in production: the tests
# commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

GUIDE = pdf_with_pages(["Guide des aires de jeux", "Les balançoires adaptées aux fauteuils",
                        "Annexe : fournisseurs régionaux"])


def found(user: Any, q: str, **kwargs: Any) -> list[str]:
    return [hit.document.title for hit in search_documents(user=user, q=q, **kwargs).hits]


def run_worker() -> None:
    """The real worker of the database task backend, once through the queue."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def upload(people: People, data: bytes, name: str, **kwargs: Any) -> Document:
    return services.upload_document(actor=people.facilitator, space=people.space,
                                    file=io.BytesIO(data), file_name=name, **kwargs)


# --- title and description: searchable as soon as the upload commits ---------------------------
def test_title_and_description_are_found_without_any_background_work(fs_backend,
                                                                      people: People) -> None:
    upload(people, PNG, "plan.png", title="Plan du parc Jarry",
           description="Entrées accessibles et stationnements réservés.")
    assert found(people.member, "jarry") == ["Plan du parc Jarry"]
    assert found(people.member, "stationnement reserve") == ["Plan du parc Jarry"]
    assert found(people.member, "ACCESSIBLES entrée") == ["Plan du parc Jarry"]
    assert found(people.member, "hippopotame") == []


def test_a_title_match_ranks_before_a_description_match(fs_backend, people: People) -> None:
    upload(people, PNG, "a.png", title="Notes diverses", description="On y parle de piscines.")
    upload(people, PNG, "b.png", title="Piscines municipales")
    assert found(people.member, "piscine") == ["Piscines municipales", "Notes diverses"]


# --- extracted text: in a background task, never in the request -------------------------------
def test_pdf_text_is_extracted_by_the_worker_not_during_the_upload(backend,
                                                                  people: People) -> None:
    document = upload(people, GUIDE, "guide.pdf", title="Guide 2026")
    version = DocumentVersion.objects.get(document=document)
    # The request only queued the work.
    assert version.text_status == TextStatus.PENDING
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert found(people.member, "balancoire") == []

    run_worker()

    version.refresh_from_db()
    assert version.text_status == TextStatus.EXTRACTED
    assert found(people.member, "balancoire fauteuil") == ["Guide 2026"]
    assert found(people.member, "fournisseur regionaux") == ["Guide 2026"]
    [hit] = search_documents(user=people.member, q="balançoires").hits
    assert "<mark>" in hit.excerpt_html and "fauteuils" in hit.excerpt_html


def test_csv_from_a_french_spreadsheet_in_windows_1252_is_found(fs_backend,
                                                               people: People) -> None:
    csv = "ville;activité\nSaint-Jérôme;Fête des récoltes\n".encode("cp1252")
    upload(people, csv, "activites.csv", title="Activités")
    run_worker()
    assert found(people.member, "fete recolte") == ["Activités"]
    assert found(people.member, "Jérôme") == ["Activités"]


def test_plain_text_in_utf8_is_found(fs_backend, people: People) -> None:
    upload(people, "Procès-verbal : la séance débute à 19 h.\n".encode(), "pv.txt",
           title="PV")
    run_worker()
    assert found(people.member, "proces verbal seance") == ["PV"]


def test_a_new_version_is_extracted_again_and_the_old_text_no_longer_matches(
        fs_backend, people: People) -> None:
    document = upload(people, pdf_with_pages(["Budget de la patinoire"]), "v1.pdf",
                      title="Budget")
    run_worker()
    assert found(people.member, "patinoire") == ["Budget"]

    services.add_version(actor=people.facilitator, document=document,
                         file=io.BytesIO(pdf_with_pages(["Budget de la piscine"])),
                         file_name="v2.pdf")
    run_worker()
    assert found(people.member, "piscine") == ["Budget"]
    assert found(people.member, "patinoire") == []


def test_a_late_extraction_of_an_old_version_never_overwrites_the_new_text(
        fs_backend, people: People) -> None:
    document = upload(people, pdf_with_pages(["Ancien texte sur les glissades"]), "v1.pdf",
                      title="Glisse")
    services.add_version(actor=people.facilitator, document=document,
                         file=io.BytesIO(pdf_with_pages(["Nouveau texte sur les toboggans"])),
                         file_name="v2.pdf")
    # The worker takes the tasks newest first here: version 1 finishes last.
    first, second = DocumentVersion.objects.filter(document=document).order_by("number")
    extract_version_text(version_id=second.pk)
    extract_version_text(version_id=first.pk)
    assert found(people.member, "toboggan") == ["Glisse"]
    assert found(people.member, "glissade") == []


def test_restoring_an_old_version_makes_its_text_the_searched_one(fs_backend,
                                                                 people: People) -> None:
    document = upload(people, pdf_with_pages(["Horaire des bibliothèques"]), "v1.pdf",
                      title="Horaire")
    services.add_version(actor=people.facilitator, document=document,
                         file=io.BytesIO(pdf_with_pages(["Horaire des arénas"])),
                         file_name="v2.pdf")
    run_worker()
    assert found(people.member, "bibliotheque") == []
    services.restore_version(actor=people.facilitator, document=document, number=1)
    assert found(people.member, "arena") == []  # the newer text went at once
    run_worker()
    assert found(people.member, "bibliotheque") == ["Horaire"]


def test_images_and_office_files_queue_no_extraction(fs_backend, people: People) -> None:
    document = upload(people, PNG, "photo.png", title="Photo")
    assert DocumentVersion.objects.get(document=document).text_status == TextStatus.NONE
    assert not DBTaskResult.objects.exists()


def test_documents_from_before_search_are_queued_by_the_backfill_command(
        fs_backend, people: People) -> None:
    document = upload(people, pdf_with_pages(["Patrimoine bâti"]), "v1.pdf", title="Vieux")
    DBTaskResult.objects.all().delete()  # as if uploaded before extraction existed
    run_worker()
    assert found(people.member, "patrimoine") == []
    out = io.StringIO()
    call_command("extract_document_text", stdout=out)
    assert "1 extraction" in out.getvalue()
    run_worker()
    assert found(people.member, "patrimoine bati") == ["Vieux"]
    assert DocumentVersion.objects.get(document=document).text_status == TextStatus.EXTRACTED
    call_command("extract_document_text", stdout=out)  # nothing left to do
    assert "0 extraction" in out.getvalue()


# --- bounds and failures -----------------------------------------------------------------------
def test_a_pdf_longer_than_the_page_limit_is_extracted_up_to_it(fs_backend, people: People,
                                                               settings: Any) -> None:
    settings.DOCS_TEXT_MAX_PAGES = 3
    pages = [f"Page ordinaire numéro {n}" for n in range(1, 6)]
    pages[1] = "Le mot girafe est ici"
    pages[4] = "Le mot zèbre est trop loin"
    document = upload(people, pdf_with_pages(pages), "long.pdf", title="Long")
    run_worker()
    assert DocumentVersion.objects.get(document=document).text_status == TextStatus.TRUNCATED
    assert found(people.member, "girafe") == ["Long"]
    assert found(people.member, "zebre") == []


def test_text_beyond_the_character_limit_is_not_kept(fs_backend, people: People,
                                                    settings: Any) -> None:
    settings.DOCS_TEXT_MAX_CHARS = 2000
    text = ("remplissage " * 400 + "licorne").encode()
    document = upload(people, text, "long.txt", title="Texte long")
    run_worker()
    document.refresh_from_db()
    assert len(document.content_text) <= 2000
    assert DocumentVersion.objects.get(document=document).text_status == TextStatus.TRUNCATED
    assert found(people.member, "remplissage") == ["Texte long"]
    assert found(people.member, "licorne") == []


def test_a_large_pdf_on_s3_is_read_from_disk_not_memory(s3_backend, people: People) -> None:
    big = pdf_with_pages(["Le mot ornithorynque"], padding=40 * 1024 * 1024)
    document = upload(people, big, "gros.pdf", title="Gros fichier")
    version = DocumentVersion.objects.get(document=document)
    tracemalloc.start()
    try:
        extract_version_text(version_id=version.pk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found(people.member, "ornithorynque") == ["Gros fichier"]
    assert peak < 16 * 1024 * 1024, f"{peak / 2**20:.1f} MB"


def test_a_decompression_bomb_in_a_pdf_fails_cleanly(fs_backend, people: People) -> None:
    # 200 MB of spaces deflate to about 200 KB; pypdf stops inflating at 75 MB.
    bomb = pdf_with_pages(["Première page sans danger"], flate_content=b" " * 200_000_000)
    assert len(bomb) < 1_000_000
    document = upload(people, bomb, "bombe.pdf", title="Bombe")
    tracemalloc.start()
    try:
        run_worker()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    status = DocumentVersion.objects.get(document=document).text_status
    assert status in {TextStatus.FAILED, TextStatus.TRUNCATED}
    assert found(people.member, "bombe") == ["Bombe"]
    assert peak < 200 * 1024 * 1024, f"{peak / 2**20:.0f} MB"


def test_a_broken_pdf_is_logged_and_stays_searchable_by_title(fs_backend, people: People,
                                                             caplog: Any) -> None:
    broken = b"%PDF-1.7\n" + b"\x00garbage that is no PDF structure\n" * 50
    document = upload(people, broken, "abime.pdf", title="Rapport abîmé")
    with caplog.at_level(logging.WARNING, logger="docs_store.extraction"):
        run_worker()
    assert DocumentVersion.objects.get(document=document).text_status == TextStatus.FAILED
    assert any("text extraction failed" in r.getMessage() for r in caplog.records)
    assert found(people.member, "rapport abime") == ["Rapport abîmé"]


def test_nul_and_control_characters_in_extracted_text_are_dropped() -> None:
    # A PDF's text can hold them; PostgreSQL cannot store NUL in a text column.
    assert clean("mot\x00clé\x01 et\ttabulation\n\n\n\nfin") == "mot clé et tabulation\n\nfin"
    assert clean("e\u0301te\u0301") == "été"  # NFC, as the query is


# --- who finds what ----------------------------------------------------------------------------
def test_only_members_find_a_space_documents(fs_backend, people: People) -> None:
    upload(people, PNG, "plan.png", title="Plan confidentiel des locaux")
    assert found(people.member, "confidentiel") == ["Plan confidentiel des locaux"]
    assert found(people.outsider, "confidentiel") == []
    assert found(people.staff, "confidentiel") == ["Plan confidentiel des locaux"]
    remove_member(actor=people.facilitator, space=people.space, member=people.other_member)
    assert found(people.other_member, "confidentiel") == []


def test_documents_in_the_trash_are_not_found_until_restored(fs_backend,
                                                            people: People) -> None:
    document = upload(people, PNG, "plan.png", title="Plan du chalet")
    services.delete_document(actor=people.facilitator, document=document)
    assert found(people.member, "chalet") == []
    services.restore_document(actor=people.facilitator, document=document)
    assert found(people.member, "chalet") == ["Plan du chalet"]


def test_a_search_costs_the_same_queries_for_3_or_20_hits(fs_backend, people: People) -> None:

    def queries_for(count: int) -> int:
        Document.objects.all().delete()
        for n in range(count):
            upload(people, PNG, f"{n}.png", title=f"Fiche {n}",
                   description=f"Parc de quartier numéro {n}")
        with count_queries() as captured:
            assert len(search_documents(user=people.member, q="parc quartier").hits) == count
        return len(captured)

    few, many = queries_for(3), queries_for(20)
    assert few == many <= 4  # ids, then the documents with their excerpts (SQLite: + snippets)


def test_markup_in_a_description_is_shown_as_text(fs_backend, people: People) -> None:
    upload(people, PNG, "x.png", title="Affiche",
           description="<script>alert(1)</script> affiche du festival")
    [hit] = search_documents(user=people.member, q="festival").hits
    assert "<script>" not in hit.excerpt_html
    assert "alert(1)&lt;/script&gt;" in hit.excerpt_html
    assert "<mark>festival</mark>" in hit.excerpt_html


# --- the page and the API ----------------------------------------------------------------------
def _page(user: Any, **params: str) -> Any:
    client = client_for(user)
    return client.get(reverse("search"), params)


def test_the_search_page_lists_documents_beside_messages(fs_backend, people: People) -> None:
    upload(people, GUIDE, "guide.pdf", title="Guide des aires de jeux")
    run_worker()
    answer = _page(people.member, q="balançoire")
    assert answer.status_code == 200
    body = answer.content.decode()
    assert 'id="documents-heading"' in body
    assert "Guide des aires de jeux" in body
    assert "<mark>" in body
    document = Document.objects.get(title="Guide des aires de jeux")
    assert reverse("document", args=[people.space.slug, document.pk]) in body


def test_the_documents_only_page_paginates(fs_backend, people: People) -> None:
    for n in range(7):
        upload(people, PNG, f"{n}.png", title=f"Affiche du carnaval {n}")
    first = _page(people.member, q="carnaval").content.decode()
    assert first.count("Affiche du carnaval") == 5
    assert "type=documents" in first  # the link to every document found
    everything = _page(people.member, q="carnaval", type="documents").content.decode()
    assert everything.count("Affiche du carnaval") == 7
    assert 'id="results-heading"' not in everything


def test_an_outsider_sees_no_document_on_the_page(fs_backend, people: People) -> None:
    upload(people, PNG, "plan.png", title="Plan secret")
    body = _page(people.outsider, q="secret").content.decode()
    assert "Plan secret" not in body


def test_the_api_searches_documents_of_my_spaces(fs_backend, people: People) -> None:
    upload(people, PNG, "plan.png", title="Plan du parc", description="Sentiers accessibles")
    answer = api_client_for(people.member).get("/api/v1/search/documents",
                                           {"q": "sentier", "space": people.space.slug})
    assert answer.status_code == 200, answer.content
    [result] = answer.json()["results"]
    assert result["document"]["title"] == "Plan du parc"
    assert "<mark>" in result["excerpt_html"]
    assert api_client_for(people.outsider).get(
        "/api/v1/search/documents", {"q": "sentier"}).json()["results"] == []
    refused = api_client_for(people.member).get("/api/v1/search/documents", {"q": "  "})
    assert refused.status_code == 400
    assert "Saisissez" in refused.json()["message"]
