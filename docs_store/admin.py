"""Documents in the back office: read-only lists for platform staff (every change goes through
the services, which check permissions and emit events), and a plain statement of whether
uploads are scanned by an antivirus, on the admin's home page and on these lists."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from docs_store.models import Document, PendingUpload, SpaceDocumentSettings

# The admin's home page says whether uploads are scanned (docs_store/antivirus.py).
admin.site.index_template = "docs_store/admin_index.html"


class ReadOnly(admin.ModelAdmin):
    change_list_template = "docs_store/admin_change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnly):
    list_display = ["title", "space", "created_at", "deleted_at"]
    list_filter = ["space"]
    search_fields = ["title"]
    list_select_related = ["space"]
    exclude = ["content_text"]


@admin.register(SpaceDocumentSettings)
class SpaceDocumentSettingsAdmin(ReadOnly):
    list_display = ["space", "uploads_by", "max_upload_bytes", "quota_bytes"]


@admin.register(PendingUpload)
class PendingUploadAdmin(ReadOnly):
    list_display = ["space", "file_name", "created_at", "expires_at"]
