"""Documents plugged into posting (installed by DocsStoreConfig.ready()): a message may carry
documents of its space, picked by id, and files uploaded while composing, which become
documents in the same transaction as the message. If the message is refused, those documents
are not created either and their stored files are taken away."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch

from communities.attachments import NewFile
from communities.models import Message, Space, User
from docs_store.attachments import (
    attach,
    attachable_documents,
    attachments_prefetch,
    cards_of,
    clean_attachment_ids,
)
from docs_store.services import upload_document
from docs_store.storing import discard


class _PostedDocuments:
    def __init__(self, *, actor: User, space: Space, ids: list[int],
                 files: Sequence[NewFile]) -> None:
        self.actor, self.space, self.ids, self.files = actor, space, ids, list(files)
        self.documents: list[Any] = []
        self.stored: list[str] = []

    def gather(self) -> None:
        # Picked documents first, in the order given, then the new files: as the composer
        # lists them.
        self.documents = attachable_documents(space=self.space, ids=self.ids)
        for new in self.files:
            document = upload_document(actor=self.actor, space=self.space, file=new.file,
                                       file_name=new.name)
            assert document.current_version is not None
            self.stored.append(document.current_version.storage_key)
            self.documents.append(document)

    def attach(self, message: Message) -> None:
        attach(message=message, documents=self.documents)

    def abandon(self) -> None:
        for key in self.stored:
            discard(key)
        self.stored = []


class DocumentAttachments:
    def begin(self, *, actor: User, space: Space, ids: Sequence[object],
              files: Sequence[NewFile]) -> _PostedDocuments:
        return _PostedDocuments(actor=actor, space=space, files=files,
                                ids=clean_attachment_ids(ids, new_files=len(files)))

    def prefetch(self) -> Prefetch:
        return attachments_prefetch()

    def cards(self, message: Message) -> list[dict[str, Any]]:
        return cards_of(message, message.thread.space.slug)
