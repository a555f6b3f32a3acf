"""JSON API for documents: parse, call a service or selector, shape the answer."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from communities import selectors as space_selectors
from communities.api import ErrorOut, PersonOut, bearer
from communities.models import User
from docs_store import selectors, services
from docs_store.downloads import download_response
from docs_store.serializers import document_data, folder_data

router = Router(auth=bearer, tags=["documents"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class FolderOut(Schema):
    id: int
    space: str
    parent: int | None
    name: str
    created_at: str


class VersionOut(Schema):
    number: int
    name: str
    size: int
    content_type: str
    sha256: str
    uploaded_by: PersonOut | None
    created_at: str


class DocumentOut(Schema):
    id: int
    space: str
    folder: int | None
    title: str
    description: str
    uploader: PersonOut | None
    created_at: str
    deleted: bool
    version: VersionOut | None


class FolderContents(Schema):
    folder: FolderOut | None
    folders: list[FolderOut]
    documents: list[DocumentOut]
    can_upload: bool


class NewFolder(Schema):
    name: str
    parent: int | None = None


class FolderChange(Schema):
    name: str | None = None
    #: Moves the folder; 0 means the space's root.
    parent: int | None = None


class DocumentChange(Schema):
    title: str | None = None
    #: Moves the document; 0 means the space's root.
    folder: int | None = None


@router.get("/spaces/{slug}/documents", response={200: FolderContents, 404: ErrorOut},
            summary="Contenu d'un dossier / Folder contents")
def list_folder(request: HttpRequest, slug: str, folder: int | None = None,
                trash: bool = False) -> dict[str, Any]:
    user = _user(request)
    space = space_selectors.visible_space(user=user, slug=slug)
    current = selectors.visible_folder(user=user, space=space, folder_id=folder)
    folders, documents = selectors.folder_contents(space=space, folder=current, trash=trash)
    return {"folder": folder_data(current) if current else None,
            "folders": [folder_data(f) for f in folders],
            "documents": [document_data(d) for d in documents],
            "can_upload": services.may_upload(user=user, space=space)}


@router.post("/spaces/{slug}/folders", response={201: FolderOut, 403: ErrorOut, 404: ErrorOut,
                                                 409: ErrorOut},
             summary="Créer un dossier / Create a folder")
def create_folder(request: HttpRequest, slug: str, payload: NewFolder) -> Status[dict[str, Any]]:
    user = _user(request)
    space = space_selectors.visible_space(user=user, slug=slug)
    parent = selectors.visible_folder(user=user, space=space, folder_id=payload.parent)
    folder = services.create_folder(actor=user, space=space, name=payload.name, parent=parent)
    return Status(201, folder_data(folder))


@router.patch("/folders/{folder_id}",
              response={200: FolderOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                        409: ErrorOut},
              summary="Renommer ou déplacer un dossier / Rename or move a folder")
def change_folder(request: HttpRequest, folder_id: int, payload: FolderChange) -> dict[str, Any]:
    user = _user(request)
    folder = selectors.folder_by_id(user=user, folder_id=folder_id)
    with transaction.atomic():  # rename and move apply together or not at all
        if payload.name is not None:
            services.rename_folder(actor=user, folder=folder, name=payload.name)
        if payload.parent is not None:
            target = selectors.visible_folder(user=user, space=folder.space,
                                              folder_id=payload.parent or None)
            services.move_folder(actor=user, folder=folder, parent=target)
    return folder_data(folder)


@router.delete("/folders/{folder_id}",
               response={204: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
               summary="Supprimer un dossier vide / Delete an empty folder")
def delete_folder(request: HttpRequest, folder_id: int) -> Status[None]:
    user = _user(request)
    folder = selectors.folder_by_id(user=user, folder_id=folder_id)
    services.delete_folder(actor=user, folder=folder)
    return Status(204, None)


@router.post("/spaces/{slug}/documents",
             response={201: DocumentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       413: ErrorOut},
             summary="Déposer un document / Upload a document")
def upload(request: HttpRequest, slug: str, file: File[UploadedFile],
           title: Form[str] = "", description: Form[str] = "",
           folder: Form[int | None] = None) -> Status[dict[str, Any]]:
    user = _user(request)
    space = space_selectors.visible_space(user=user, slug=slug)
    target = selectors.visible_folder(user=user, space=space, folder_id=folder)
    document = services.upload_document(actor=user, space=space, file=file,  # type: ignore[arg-type]
                                        file_name=file.name or "", title=title,
                                        description=description, folder=target)
    return Status(201, document_data(document))


@router.post("/documents/{document_id}/versions",
             response={201: DocumentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       413: ErrorOut},
             summary="Nouvelle version / Upload a new version")
def new_version(request: HttpRequest, document_id: int,
                file: File[UploadedFile]) -> Status[dict[str, Any]]:
    user = _user(request)
    document = selectors.visible_document(user=user, document_id=document_id)
    services.add_version(actor=user, document=document, file=file,  # type: ignore[arg-type]
                         file_name=file.name or "")
    return Status(201, document_data(document))


@router.post("/documents/{document_id}/versions/{number}/restore",
             response={200: DocumentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Rétablir une ancienne version / Restore an old version")
def restore_version(request: HttpRequest, document_id: int, number: int) -> dict[str, Any]:
    user = _user(request)
    document = selectors.visible_document(user=user, document_id=document_id)
    return document_data(services.restore_version(actor=user, document=document,
                                                  number=number))


@router.get("/documents/{document_id}", response={200: DocumentOut, 404: ErrorOut},
            summary="Un document / One document")
def read(request: HttpRequest, document_id: int) -> dict[str, Any]:
    return document_data(selectors.visible_document(user=_user(request),
                                                    document_id=document_id))


@router.get("/documents/{document_id}/download", response={404: ErrorOut},
            summary="Télécharger / Download")
def download(request: HttpRequest, document_id: int,
             version: int | None = None) -> HttpResponseBase:
    return download_response(user=_user(request), document_id=document_id, number=version)


@router.patch("/documents/{document_id}",
              response={200: DocumentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
              summary="Renommer ou déplacer / Rename or move")
def change(request: HttpRequest, document_id: int, payload: DocumentChange) -> dict[str, Any]:
    user = _user(request)
    document = selectors.visible_document(user=user, document_id=document_id)
    with transaction.atomic():  # rename and move apply together or not at all
        if payload.title is not None:
            services.rename_document(actor=user, document=document, title=payload.title)
        if payload.folder is not None:
            target = selectors.visible_folder(user=user, space=document.space,
                                              folder_id=payload.folder or None)
            services.move_document(actor=user, document=document, folder=target)
    return document_data(document)


@router.delete("/documents/{document_id}", response={200: DocumentOut, 403: ErrorOut,
                                                      404: ErrorOut},
               summary="Mettre à la corbeille / Move to the trash")
def delete(request: HttpRequest, document_id: int) -> dict[str, Any]:
    user = _user(request)
    document = selectors.visible_document(user=user, document_id=document_id)
    return document_data(services.delete_document(actor=user, document=document))


class TrashEmptied(Schema):
    purged: int


@router.post("/spaces/{slug}/trash/empty",
             response={200: TrashEmptied, 403: ErrorOut, 404: ErrorOut},
             summary="Vider la corbeille / Empty the trash")
def empty_trash(request: HttpRequest, slug: str) -> dict[str, Any]:
    user = _user(request)
    space = space_selectors.visible_space(user=user, slug=slug)
    return {"purged": services.empty_trash(actor=user, space=space)}


@router.post("/documents/{document_id}/restore", response={200: DocumentOut, 403: ErrorOut,
                                                            404: ErrorOut},
             summary="Restaurer de la corbeille / Restore from the trash")
def restore(request: HttpRequest, document_id: int) -> dict[str, Any]:
    user = _user(request)
    document = selectors.visible_document(user=user, document_id=document_id)
    return document_data(services.restore_document(actor=user, document=document))
