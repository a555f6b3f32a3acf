"""A discussion message posted with a file uploaded while composing it: the new document and
the message are one write. If the message is refused (empty, locked thread, a bad
attachment), the document is not created either and its stored file is taken away."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO

from django.db import transaction

from communities.models import Space, Thread, User
from communities.services.discussion import Posted, post_message, start_thread
from docs_store.services import upload_document
from docs_store.storing import discard


def _with_upload(*, actor: User, space: Space, attachments: Sequence[object],
                 upload: IO[bytes] | None, upload_name: str,
                 write: Callable[[list[object]], Posted]) -> Posted:
    if upload is None:
        return write(list(attachments))
    stored_key = None
    try:
        with transaction.atomic():
            document = upload_document(actor=actor, space=space, file=upload,
                                       file_name=upload_name)
            assert document.current_version is not None
            stored_key = document.current_version.storage_key
            return write([*attachments, document.pk])
    except BaseException:
        # The rows rolled back with the transaction; the stored file must go too.
        if stored_key is not None:
            discard(stored_key)
        raise


def post_with_upload(*, actor: User, thread: Thread, body: str, reply_to: int | None = None,
                     attachments: Sequence[object] = (), upload: IO[bytes] | None = None,
                     upload_name: str = "") -> Posted:
    return _with_upload(
        actor=actor, space=thread.space, attachments=attachments, upload=upload,
        upload_name=upload_name,
        write=lambda ids: post_message(actor=actor, thread=thread, body=body,
                                       reply_to=reply_to, attachments=ids))


def start_with_upload(*, actor: User, space: Space, title: str, body: str,
                      attachments: Sequence[object] = (), upload: IO[bytes] | None = None,
                      upload_name: str = "") -> Posted:
    return _with_upload(
        actor=actor, space=space, attachments=attachments, upload=upload,
        upload_name=upload_name,
        write=lambda ids: start_thread(actor=actor, space=space, title=title, body=body,
                                       attachments=ids))
