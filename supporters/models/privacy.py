"""Used single-use tokens, data requests and the staff access audit log."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class UsedToken(models.Model):
    """A single-use signed token that has been used (its hash, not the token)."""

    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=40)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.purpose} {self.token_hash[:12]}…"


def one_calendar_month_after(moment: datetime.datetime) -> datetime.date:
    """UK GDPR: answer within one calendar month (31 Jan -> 28/29 Feb)."""
    day = timezone.localdate(moment)
    year, month = (day.year, day.month + 1) if day.month < 12 else (day.year + 1, 1)
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class DataRequest(models.Model):
    """A person's request to see (access) or delete (erasure) their data."""

    class Kind(models.TextChoices):
        ACCESS = "access", "Copy of data"
        ERASURE = "erasure", "Erasure"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        REFUSED = "refused", "Refused"

    kind = models.CharField(max_length=7, choices=Kind.choices)
    supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
    )
    # Kept after erasure so the request can be shown as done without identity.
    email_hash = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=7, choices=Status.choices, default="open")
    received_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["status", "due_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request due {self.due_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if not self.due_on:
            self.due_on = one_calendar_month_after(self.received_at)
        super().save(*args, **kwargs)


class SupporterAccessLog(models.Model):
    """Who looked at or exported supporter data, when, and what."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed a supporter"
        EXPORT = "export", "Exported supporters"
        IMPORT = "import", "Imported supporters"
        ERASE = "erase", "Erased a supporter"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=6, choices=Action.choices)
    supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.created_at:%Y-%m-%d %H:%M}"


class SupporterImport(models.Model):
    """One confirmed CSV import, run by a worker (big files outlast a web
    request). The uploaded file is deleted when the run ends."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Nothing imported"

    file_name = models.CharField(max_length=255)
    source = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default="queued")
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_status_display()})"
