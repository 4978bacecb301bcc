"""Documents with a summary: briefings are documents readers can judge first."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db import models
from wagtail.documents.models import AbstractDocument, Document
from wagtail.search import index

# Names readers recognise, by file extension.
FILE_TYPES = {
    "pdf": "PDF",
    "docx": "Word",
    "odt": "OpenDocument text",
    "xlsx": "Excel",
    "ods": "OpenDocument spreadsheet",
    "csv": "CSV",
    "txt": "Text",
}


def human_size(size: int | None) -> str:
    """Decimal units as file managers show them: "924 kB", "1.2 MB"."""
    if size is None:
        return ""
    if size < 1000:
        return f"{size} bytes"
    for unit in ("kB", "MB", "GB"):
        size /= 1000
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if size >= 10 else f"{size:.1f} {unit}"
    return ""  # pragma: no cover - the loop always returns


class BriefingDocument(AbstractDocument):
    """The site's document model (WAGTAILDOCS_DOCUMENT_MODEL)."""

    summary = models.TextField(
        blank=True,
        max_length=600,
        help_text="One or two sentences shown beside the download link.",
    )

    admin_form_fields = (*Document.admin_form_fields, "summary")
    search_fields = [*AbstractDocument.search_fields, index.SearchField("summary")]

    class Meta(AbstractDocument.Meta):
        verbose_name = "document"
        verbose_name_plural = "documents"
        # Wagtail's chooser checks this permission on the document model.
        permissions = [("choose_document", "Can choose document")]

    @property
    def file_type(self) -> str:
        extension = PurePosixPath(self.file.name).suffix.lower().lstrip(".")
        return FILE_TYPES.get(extension, extension.upper())

    @property
    def human_size(self) -> str:
        # file_size is stored on upload, so this never touches the storage.
        return human_size(self.file_size)

    @property
    def type_and_size(self) -> str:
        """ "PDF, 924 kB" """
        return ", ".join(part for part in (self.file_type, self.human_size) if part)
