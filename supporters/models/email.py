"""Every email the platform sends: a log row that doubles as the outbox."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from supporters.addresses import email_mask


class EmailMessageLog(models.Model):
    """One outgoing email. Written before the send task is enqueued, so a row
    still "queued" after a few minutes is re-enqueued by the outbox sweep.

    The rendering context is kept only until the message is sent (the task
    renders it), then cleared: the log never keeps a body.
    """

    class Kind(models.TextChoices):
        TRANSACTIONAL = "transactional", "Transactional"
        BULK = "bulk", "Bulk"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Not sent: suppressed"

    template = models.CharField(max_length=100)
    kind = models.CharField(max_length=13, choices=Kind.choices)
    supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    to_email = models.CharField(max_length=254)
    context = models.JSONField(default=dict, blank=True)
    tags = models.JSONField(default=list, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="emaillog_outbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {email_mask(self.to_email)} ({self.status})"


@register_setting(icon="mail")
class SupporterEmailSettings(BaseGenericSetting):
    """Text of the emails editors may change without a developer."""

    welcome_subject = models.CharField(
        max_length=150, default="Welcome: you're on the list"
    )
    welcome_body = models.TextField(
        default=(
            "Thank you for confirming. We'll email you about the campaign and how "
            "you can help. You can change what you get, or leave, at any time from "
            "the link at the bottom of every email."
        ),
        help_text="Plain text. A blank line starts a new paragraph.",
    )

    panels = [FieldPanel("welcome_subject"), FieldPanel("welcome_body")]

    class Meta:
        verbose_name = "Supporter emails"
