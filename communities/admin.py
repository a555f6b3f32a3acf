"""Platform staff's back office. Read-mostly: changes to membership go through the product's
pages and services so they emit events; the log itself is never edited here."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest

from communities.models import Event, ExpertiseTag, Invitation, Membership, Space, Thread, User
from communities.services.accounts import change_password, deactivate_user, sign_out_everywhere


class StaffPasswordChangeForm(AdminPasswordChangeForm):
    """Staff setting someone's password close every other door, as a person changing their
    own does: their sessions end and their API tokens are revoked, through the service."""

    def save(self, commit: bool = True) -> User:
        if commit and self.cleaned_data.get("set_usable_password", True):
            change_password(user=self.user, new_password=self.cleaned_data["password1"])
            return self.user
        user: User = super().save(commit=commit)
        if commit:  # the password made unusable: nobody signs in with it any more
            sign_out_everywhere(user=user)
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = StaffPasswordChangeForm
    ordering = ["email"]
    list_display = ["email", "display_name", "organisation", "region", "kind", "is_active",
                    "is_staff"]
    filter_horizontal = ["expertise"]
    search_fields = ["email", "display_name", "organisation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profil", {"fields": ("display_name", "organisation", "title", "kind", "municipality",
                               "mrc", "region", "bio", "expertise", "language",
                               "email_visible")}),
        ("Accès", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "display_name", "password1", "password2")}),)
    readonly_fields = ["is_active"]  # deactivation goes through the service, which revokes
    actions = ["deactivate"]

    @admin.action(description="Désactiver les comptes choisis (fin des sessions et des flux)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        assert isinstance(request.user, User)
        for user in queryset.filter(is_active=True):
            deactivate_user(actor=request.user, user=user)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    readonly_fields = ["user", "role", "joined_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_private", "event_head"]
    readonly_fields = ["event_head", "event_floor"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "space", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["space"]
    exclude = ["token_hash"]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "space", "message_count", "last_activity_at"]
    list_filter = ["space"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["space", "owner", "seq", "kind", "created_at"]
    list_filter = ["kind", "space"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ExpertiseTag)
class ExpertiseTagAdmin(admin.ModelAdmin):
    """The list of expertise areas staff offer on every profile form ("listed"); free tags
    typed by members appear here too, to be promoted to the list, renamed or merged."""

    list_display = ["name", "listed", "people_count", "created_at"]
    list_filter = ["listed"]
    list_editable = ["listed"]
    search_fields = ["name"]
    ordering = ["-listed", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExpertiseTag]:
        from django.db.models import Count

        return super().get_queryset(request).annotate(people_total=Count("people"))

    @admin.display(description="Personnes", ordering="people_total")
    def people_count(self, tag: ExpertiseTag) -> int:
        return int(getattr(tag, "people_total", 0))
