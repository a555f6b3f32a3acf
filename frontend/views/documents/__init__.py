"""The document pages of a space: the folder browser, one document with its versions, the
trash and the upload rule. Every write goes through docs_store's services."""

from frontend.views.documents.browser import (
    browse,
    create_folder,
    delete_folder,
    edit_folder,
    empty_trash,
    trash,
    upload_rule,
)
from frontend.views.documents.document import (
    delete,
    detail,
    download,
    edit,
    new_version,
    restore,
    restore_version,
    upload,
)

__all__ = [
    "browse",
    "create_folder",
    "delete",
    "delete_folder",
    "detail",
    "download",
    "edit",
    "edit_folder",
    "empty_trash",
    "new_version",
    "restore",
    "restore_version",
    "trash",
    "upload",
    "upload_rule",
]
