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
    # Text extracted from the current version (docs_store/extraction.py), searched beside the
    # title and description (docs_store/search.py). ``text_version`` says which version it
    # came from, so an extraction that finishes after a newer upload never overwrites it.
    content_text = models.TextField(blank=True, default="")
    text_version = models.ForeignKey("DocumentVersion", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("document")
        indexes = [models.Index(fields=["space", "folder", "deleted_at"])]

    def __str__(self) -> str:
        return self.title


class TextStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    EXTRACTED = "extracted", _("extrait")
    TRUNCATED = "truncated", _("extrait en partie (fichier très long)")
    NONE = "none", _("aucun texte à extraire")
    FAILED = "failed", _("échec de l'extraction")


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
    # Where the background text extraction stands for this version.
    text_status = models.CharField(max_length=20, choices=TextStatus.choices,
                                   default=TextStatus.PENDING)

    class Meta:
        verbose_name = _("version")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"],
                                    name="one_version_number_per_document"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class PendingUpload(models.Model):
    """A direct upload to S3 that was offered (presigned POST) but not finished yet. Invisible
    to everyone: it becomes a document, or a version of ``document``, only when the finish call
    has checked the object; the purge command deletes the abandoned ones and their objects."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="+")
    # A new version of this document, or a new document when empty.
    document = models.ForeignKey(Document, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+")
    folder = models.ForeignKey(Folder, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    title = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    file_name = models.CharField(max_length=255)
    # Generated by us, like every storage key; the presigned POST allows exactly this key.
    storage_key = models.CharField(max_length=200, unique=True)
    max_bytes = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("téléversement direct en attente")
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return self.storage_key
