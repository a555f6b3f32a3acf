"""What staff need to answer "why was my reply not posted?": the log of received mail,
read-only (it holds no body and no sender address)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from replies.models import InboundMail


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin[InboundMail]):
    list_display = ["received_at", "outcome", "reason", "user", "message"]
    list_filter = ["outcome", "reason"]
    search_fields = ["user__email", "user__display_name"]
    date_hierarchy = "received_at"
    list_select_related = ["user", "message"]
    readonly_fields = ["received_at", "outcome", "reason", "user", "message", "reply_address",
                       "recipient", "message_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
