"""Attack files and names: each refused with a clear French message, or accepted only as what
its bytes are."""

from __future__ import annotations

import io

import pytest

from communities.errors import ServiceError
from docs_store.downloads import download_response
from docs_store.models import Document
from docs_store.names import MAX_NAME_CHARS, clean_display_name
from docs_store.services import upload_document
from tests.docs_store.samples import HTML, PDF, PNG, SVG, docx, odt, zip_of
from tests.docs_store.state import current

pytestmark = pytest.mark.django_db


def _upload(people, data: bytes, name: str) -> Document:
    return upload_document(actor=people.facilitator, space=people.space,
                           file=io.BytesIO(data), file_name=name)


def _refused(people, data: bytes, name: str) -> ServiceError:
    with pytest.raises(ServiceError) as refused:
        _upload(people, data, name)
    assert not Document.objects.exists()
    return refused.value


@pytest.mark.parametrize(("data", "name"), [
    (SVG, "dessin.svg"),
    (SVG, "dessin.png"),
    (HTML, "photo.png"),
    (HTML, "notes.txt"),
    (b"<?xml version='1.0'?><a/>", "donnees.csv"),
    (b"\xef\xbb\xbf  <html><body>x</body></html>", "page.pdf"),
    (b"bonjour", "page.html"),
])
def test_markup_is_refused_even_renamed(backend, people, data, name):
    error = _refused(people, data, name)
    assert error.code == "markup_refused"
    assert "HTML, SVG et XML" in str(error)
    assert backend.keys() == []


@pytest.mark.parametrize(("data", "name"), [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64, "outil.pdf"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512, "installeur.msi"),
    (b"\x7fELF\x02\x01\x01" + b"\0" * 64, "script.txt"),
])
def test_other_binaries_are_refused(fs_backend, people, data, name):
    error = _refused(people, data, name)
    assert error.code == "unsupported_type"
    assert "n'est pas accepté" in str(error)
    assert fs_backend.keys() == []


def test_a_pdf_named_docx_is_a_pdf_served_inline_as_pdf(fs_backend, people):
    document = _upload(people, PDF, "rapport.docx")
    version = current(document)
    assert version.content_type == "application/pdf"
    assert version.original_name == "rapport.docx"
    response = download_response(user=people.member, document_id=document.pk)
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(("data", "content_type"), [
    (odt(), "application/vnd.oasis.opendocument.text"),
    (zip_of({"a.txt": b"un", "b.txt": b"deux"}), "application/zip"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512, "application/msword"),
    ("Procès-verbal du 3 mars\n".encode("cp1252"), "text/plain"),
])
def test_allowed_kinds(fs_backend, people, data, content_type):
    name = {"application/msword": "ancien.doc"}.get(content_type, "fichier.bin")
    assert current(_upload(people, data, name)).content_type == content_type


def test_a_pdf_with_xml_metadata_is_still_a_pdf(fs_backend, people):
    data = PDF + b'<?xpacket begin=""?><?xml version="1.0"?><x:xmpmeta/><svg/>'
    assert current(_upload(people, data, "rapport.pdf")).content_type == "application/pdf"


def test_macro_documents_are_refused(fs_backend, people):
    data = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                   "word/vbaProject.bin": b"\0" * 16})
    assert _refused(people, data, "piege.docm").code == "macros_refused"


def test_zip_bomb_is_refused_by_uncompressed_cap(fs_backend, people, settings):
    settings.DOCS_ZIP_MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
    bomb = zip_of({f"zeros-{i}.bin": b"\0" * (8 * 1024 * 1024) for i in range(3)})
    assert len(bomb) < 200 * 1024
    error = _refused(people, bomb, "archive.zip")
    assert error.code == "zip_too_large"
    assert "décompressée" in str(error)
    assert fs_backend.keys() == []


def test_office_files_are_capped_too(fs_backend, people, settings):
    settings.DOCS_ZIP_MAX_UNCOMPRESSED_BYTES = 10
    assert _refused(people, docx(), "gros.docx").code == "zip_too_large"
    settings.DOCS_ZIP_MAX_UNCOMPRESSED_BYTES = 1024
    settings.DOCS_ZIP_MAX_ENTRIES = 2
    data = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                   "extra.xml": b"<x/>"})
    assert _refused(people, data, "guide.docx").code == "zip_too_many_entries"


def test_too_many_entries(fs_backend, people, settings):
    settings.DOCS_ZIP_MAX_ENTRIES = 100
    data = zip_of({f"f{i}.txt": b"" for i in range(101)})
    error = _refused(people, data, "beaucoup.zip")
    assert error.code == "zip_too_many_entries"
    assert "trop de fichiers" in str(error)


def test_empty_and_broken_zip(fs_backend, people):
    assert _refused(people, b"", "vide.txt").code == "empty_file"
    assert _refused(people, b"PK\x03\x04" + b"\0" * 100, "casse.zip").code == "bad_zip"


@pytest.mark.parametrize(("raw", "clean"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\marc\\Documents\\budget.xlsx", "budget.xlsx"),
    ("facture\u202egpj.exe", "facturegpj.exe"),
    ("rapport\u2066\u2069\u200f.pdf", "rapport.pdf"),
    ("nul\x00\x01\x1f.txt", "nul.txt"),
    ("Cafe\u0301.pdf", "Café.pdf"),
    ("..", "document"),
    ("   .cache  ", "cache"),
    ("", "document"),
])
def test_display_names_are_cleaned(raw, clean):
    assert clean_display_name(raw) == clean


def test_titles_keep_slashes_but_lose_invisible_characters(fs_backend, people):
    document = upload_document(actor=people.facilitator, space=people.space,
                               file=io.BytesIO(PDF), file_name="budget.pdf",
                               title="Budget 2025/2026 \u202e\x00 ")
    assert document.title == "Budget 2025/2026"


def test_long_names_keep_their_extension():
    cleaned = clean_display_name("x" * 500 + ".pdf")
    assert len(cleaned) == MAX_NAME_CHARS
    assert cleaned.endswith(".pdf")


def test_bidi_name_is_stored_clean_and_served_as_attachment(fs_backend, people):
    document = _upload(people, PNG, "../../photo\u202egnp.pdf")
    assert current(document).original_name == "photognp.pdf"
    assert current(document).content_type == "image/png"
    assert "\u202e" not in document.title
