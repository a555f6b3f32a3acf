"""JSON API for documents: parse, call a service or selector, shape the answer."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from communities import selectors as space_selectors
from communities.api import ErrorOut, PersonOut, SpaceSlug, bearer
from communities.models import User
from docs_store import selectors, services
from docs_store.downloads import download_response
from docs_store.models import Folder
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
def list_folder(request: HttpRequest, slug: SpaceSlug, folder: int | None = None,
                trash: bool = False) -> dict[str, Any]:
    """Avec ``trash=true`` : la corbeille de l'espace, réduite aux documents que l'on peut
    restaurer (tous pour l'animation, les siens pour qui dépose). / With ``trash=true``: the
    space's trash, only the documents the caller may restore."""
    user = _user(request)
    space = space_selectors.visible_space(user=user, slug=slug)
    current = selectors.visible_folder(user=user, space=space, folder_id=folder)
    folders: list[Folder]
    if trash:  # the whole trash, whatever the folder; only what the caller may restore
        folders, documents = [], selectors.trash_contents(user=user, space=space)
    else:
        folders, documents = selectors.folder_contents(space=space, folder=current)
    return {"folder": folder_data(current) if current else None,
            "folders": [folder_data(f) for f in folders],
            "documents": [document_data(d) for d in documents],
            "can_upload": services.may_upload(user=user, space=space)}


@router.post("/spaces/{slug}/folders", response={201: FolderOut, 403: ErrorOut, 404: ErrorOut,
                                                 409: ErrorOut},
             summary="Créer un dossier / Create a folder")
def create_folder(request: HttpRequest, slug: SpaceSlug,
                  payload: NewFolder) -> Status[dict[str, Any]]:
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
def upload(request: HttpRequest, slug: SpaceSlug, file: File[UploadedFile],
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
            summary="Télécharger / Download",
            openapi_extra={"responses": {
                "200": {"description": "Le fichier / The file",
                        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}},
                "302": {"description": "Vers une adresse S3 présignée / To a presigned S3 URL"},
            }})
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
def empty_trash(request: HttpRequest, slug: SpaceSlug) -> dict[str, Any]:
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


# --- search ----------------------------------------------------------------------------------
class DocumentHitOut(Schema):
    document: DocumentOut
    #: Escaped text from the description or the document's text, matched words in <mark>:
    #: safe to insert as HTML.
    excerpt_html: str
    #: The document's page.
    url: str


class DocumentSearchOut(Schema):
    query: str
    page: int
    has_next: bool
    results: list[DocumentHitOut]


@router.get("/search/documents", response={200: DocumentSearchOut, 400: ErrorOut, 404: ErrorOut},
            summary="Rechercher des documents / Search documents")
def search_documents(request: HttpRequest, q: str = "", space: str | None = None,
                     page: int = 1) -> dict[str, Any]:
    """Titre, description et texte des PDF, textes et CSV des espaces dont je suis membre,
    sans tenir compte des accents ni du pluriel ; les documents à la corbeille n'y sont pas.
    / Title, description and the text of PDF, text and CSV files of my spaces; trashed
    documents are never found."""
    from docs_store.search import search_documents as search

    user = _user(request)
    scope = space_selectors.visible_space(user=user, slug=space) if space else None
    found = search(user=user, q=q, space=scope, page=page)
    return {"query": found.query, "page": found.page, "has_next": found.has_next,
            "results": [{"document": document_data(hit.document),
                         "excerpt_html": str(hit.excerpt_html), "url": hit.url}
                        for hit in found.hits]}


# --- direct upload to S3 (presigned POST) ----------------------------------------------------
class DirectUploadIn(Schema):
    file_name: str
    #: The file's size in bytes, as the browser knows it.
    size: int
    title: str = ""
    description: str = ""
    folder: int | None = None


class DirectVersionIn(Schema):
    file_name: str
    size: int


class DirectUploadOut(Schema):
    #: Give it back to the finish call.
    id: int
    #: POST the file there as multipart/form-data: every field below, then ``file`` last.
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: str


def _offer(offer: Any) -> dict[str, Any]:
    return {"id": offer.pending.pk, "url": offer.url, "fields": offer.fields,
            "max_bytes": offer.pending.max_bytes,
            "expires_at": offer.pending.expires_at.isoformat()}


@router.post("/spaces/{slug}/documents/direct",
             response={201: DirectUploadOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       413: ErrorOut, 501: ErrorOut},
             summary="Dépôt direct vers S3 / Direct upload to S3")
def start_direct_upload(request: HttpRequest, slug: SpaceSlug,
                        payload: DirectUploadIn) -> Status[dict[str, Any]]:
    """Un formulaire présigné pour envoyer un gros fichier directement au stockage S3 ; le
    document n'apparaît qu'après l'appel « finish ». Sur un serveur sans S3 : 501. / A
    presigned POST for a large file; the document appears only after the finish call."""
    from docs_store import direct_uploads

    user = _user(request)
    space = space_selectors.visible_space(user=user, slug=slug)
    target = selectors.visible_folder(user=user, space=space, folder_id=payload.folder)
    offer = direct_uploads.start_direct_upload(
        actor=user, space=space, file_name=payload.file_name, size=payload.size,
        title=payload.title, description=payload.description, folder=target)
    return Status(201, _offer(offer))


@router.post("/documents/{document_id}/versions/direct",
             response={201: DirectUploadOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       413: ErrorOut, 501: ErrorOut},
             summary="Nouvelle version en dépôt direct / New version by direct upload")
def start_direct_version(request: HttpRequest, document_id: int,
                         payload: DirectVersionIn) -> Status[dict[str, Any]]:
    from docs_store import direct_uploads

    user = _user(request)
    document = selectors.visible_document(user=user, document_id=document_id)
    offer = direct_uploads.start_direct_upload(
        actor=user, space=document.space, file_name=payload.file_name, size=payload.size,
        document=document)
    return Status(201, _offer(offer))


@router.post("/direct-uploads/{upload_id}/finish",
             response={201: DocumentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       409: ErrorOut, 413: ErrorOut, 503: ErrorOut},
             summary="Terminer un dépôt direct / Finish a direct upload")
def finish_direct_upload(request: HttpRequest, upload_id: int) -> Status[dict[str, Any]]:
    """Vérifie la taille, le type (par son contenu) et l'antivirus, puis rend le document
    visible. Un fichier refusé est supprimé ; 409 ``upload_missing`` si le fichier n'est pas
    encore arrivé (réessayer). / Checks size, type and antivirus, then the document appears;
    a refused file is deleted; 409 upload_missing when it has not arrived yet."""
    from docs_store import direct_uploads

    document = direct_uploads.finish_direct_upload(actor=_user(request), pending_id=upload_id)
    return Status(201, document_data(document))


@router.delete("/direct-uploads/{upload_id}", response={204: None, 404: ErrorOut},
               summary="Abandonner un dépôt direct / Abandon a direct upload")
def abandon_direct_upload(request: HttpRequest, upload_id: int) -> Status[None]:
    """Libère tout de suite l'espace réservé par l'offre et supprime ce qui a été envoyé ; sans
    cet appel, l'espace est libéré à l'expiration de l'offre. / Gives the reserved room back at
    once and deletes what was sent; otherwise the room comes back when the offer expires."""
    from docs_store import direct_uploads

    direct_uploads.abandon_direct_upload(actor=_user(request), pending_id=upload_id)
    return Status(204, None)
