"""Pages and API answers travel compressed to a browser that accepts gzip; files people
download leave as stored."""

from __future__ import annotations

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from collab.compression import TextCompressionMiddleware
from tests.clients import client_for
from tests.conftest import People

ACCEPTS = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_page_is_compressed_for_a_browser_that_accepts_it(people: People,
                                                              talk: dict) -> None:
    client = client_for(people.member)
    plain = client.get("/espaces/rma/")
    packed = client.get("/espaces/rma/", headers=ACCEPTS)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert "Programme de l&#x27;automne" in page or "Programme de l'automne" in page
    assert len(packed.content) < len(plain.content) / 3


def test_api_answers_are_compressed_too(people: People, talk: dict) -> None:
    from tests.clients import api_client_for

    api = api_client_for(people.member)
    answer = api.get("/api/v1/spaces/rma/threads", headers=ACCEPTS)
    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert b"Programme" in gzip.decompress(answer.content)


def test_downloads_and_binary_files_leave_as_stored(rf: RequestFactory) -> None:
    body = b"Date;Lieu\n" + b"2027-03-04;Laval\n" * 100
    middleware = TextCompressionMiddleware(lambda request: HttpResponse())
    request = rf.get("/", headers=ACCEPTS)

    download = HttpResponse(body, content_type="text/csv")
    download["Content-Disposition"] = 'attachment; filename="calendrier.csv"'
    pdf = HttpResponse(b"%PDF-1.7 " + b"0" * 5000, content_type="application/pdf")
    for response in (download, pdf):
        kept = middleware.process_response(request, response)
        assert isinstance(kept, HttpResponse)
        assert "Content-Encoding" not in kept.headers
        assert kept.content == response.content

    shown = middleware.process_response(request, HttpResponse(body, content_type="text/csv"))
    assert isinstance(shown, HttpResponse)
    assert shown.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(shown.content) == body


async def test_under_asgi_compression_runs_on_the_loop_without_a_thread_hop(
        rf: RequestFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    import asgiref.sync

    def no_hop(*args: object, **kwargs: object) -> None:
        raise AssertionError("compression went through sync_to_async")

    page = "<p>" + "Compte rendu de la rencontre. " * 100 + "</p>"

    async def view(request: object) -> HttpResponse:
        return HttpResponse(page)

    middleware = TextCompressionMiddleware(view)
    monkeypatch.setattr(asgiref.sync, "sync_to_async", no_hop)
    monkeypatch.setattr("django.utils.deprecation.sync_to_async", no_hop)
    answer = await middleware(rf.get("/", headers=ACCEPTS))  # type: ignore[misc]
    assert answer.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(answer.content).decode() == page
