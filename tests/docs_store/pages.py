"""Helpers of the document page tests: personas by role, uploads through the page."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from communities.models import User
from communities.services.spaces import remove_member
from docs_store.models import Document
from docs_store.services import upload_document
from tests.conftest import People
from tests.docs_store.samples import PDF

ROLES = ["facilitator", "member", "removed", "outsider", "anonymous"]


def persona(people: People, role: str) -> User | None:
    if role == "removed":
        remove_member(actor=people.facilitator, space=people.space, member=people.other_member)
        return people.other_member
    return {"facilitator": people.facilitator, "member": people.member,
            "outsider": people.outsider, "anonymous": None}[role]


def a_document(people: People, *, by: User | None = None, title: str = "Guide des bancs",
               data: bytes = PDF, name: str = "guide.pdf", **extra: object) -> Document:
    return upload_document(actor=by or people.facilitator, space=people.space,
                           file=io.BytesIO(data), file_name=name, title=title,
                           **extra)  # type: ignore[arg-type]


def upload_page(client: Client, slug: str, *, data: bytes = PDF, name: str = "plan.pdf",
                content_type: str = "application/pdf", **fields: object):  # type: ignore[no-untyped-def]
    return client.post(reverse("document-upload", args=[slug]), {
        "file": SimpleUploadedFile(name, data, content_type), "title": "", "description": "",
        **fields})
