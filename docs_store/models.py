"""Folders, documents and their versions, and each space's upload rules."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Space

DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024
DEFAULT_QUOTA_BYTES = 10 * 1024 * 1024 * 1024


class UploadsBy(models.TextChoices):
    FACILITATORS = "facilitators", _("l'animation seulement")
    MEMBERS = "members", _("tous les membres")


class SpaceDocumentSettings(models.Model):
    """Kept here rather than on Space so documents stay a separate app; a space without a row
    gets the defaults."""

    space = models.OneToOneField(Space, on_delete=models.CASCADE, related_name="document_settings")
    uploads_by = models.CharField(_("qui peut téléverser"), max_length=20,
                                  choices=UploadsBy.choices, default=UploadsBy.FACILITATORS)
    max_upload_bytes = models.BigIntegerField(_("taille maximale d'un fichier"),
                                              default=DEFAULT_MAX_UPLOAD_BYTES)
    quota_bytes = models.BigIntegerField(_("espace de stockage"), default=DEFAULT_QUOTA_BYTES)

    class Meta:
        verbose_name = _("réglages des documents")

    def __str__(self) -> str:
        return f"documents of {self.space_id}"


class Folder(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="folders")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="children")
    name = models.CharField(_("nom"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dossier")
        constraints = [
            # A NULL parent would escape a plain unique constraint, hence the coalesce.
            models.UniqueConstraint(models.F("space"), Coalesce("parent", 0), models.F("name"),
                                    name="one_folder_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="documents")
    folder = models.ForeignKey(Folder, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="documents")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Set when moved to the trash; emptied for good after TRASH_DAYS.
    deleted_at = models.DateTimeField(null=True, blank=True)
    current_version = models.ForeignKey("DocumentVersion", on_delete=models.SET_NULL,
                                        null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("document")
        indexes = [models.Index(fields=["space", "folder", "deleted_at"])]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Generated (uuid); never derived from the uploader's file name.
    storage_key = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=150)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("version")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"],
                                    name="one_version_number_per_document"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class Attachment(models.Model):
    """A document joined to a discussion message. The document is kept nullable so a message
    outlives the document's purge: its card then reads "Document supprimé"."""

    message = models.ForeignKey("communities.Message", on_delete=models.CASCADE,
                                related_name="attachments")
    document = models.ForeignKey(Document, on_delete=models.SET_NULL, null=True,
                                 related_name="attachments")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("pièce jointe")
        constraints = [
            models.UniqueConstraint(fields=["message", "document"],
                                    name="one_attachment_per_document_and_message"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.document_id}"
