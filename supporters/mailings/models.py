"""A Mailing (what staff compose) and its Deliveries (one row per recipient).

The Delivery table is the send queue and the record of what happened: it is
unique on (mailing, supporter), so however many workers, retries or clicks,
one person has at most one row, and a row leaves "pending" only through a
claim in the database (see sending.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.fields import StreamField

from .blocks import MailingBodyBlock


class Mailing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        PAUSED = "paused", "Paused"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    class Match(models.TextChoices):
        ANY = "any", "Any of the chosen tags and groups"
        ALL = "all", "All of the chosen tags and groups"

    subject = models.CharField(
        max_length=200,
        help_text="Merge fields allowed, e.g. {{ first_name }}.",
    )
    preheader = models.CharField(
        max_length=200,
        blank=True,
        help_text="The line many inboxes show after the subject.",
    )
    from_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="Who it is from, as the inbox shows it. Empty: the site's sender.",
    )
    body = StreamField(MailingBodyBlock(), blank=True)

    # Audience: confirmed subscribers of the chosen lists (all lists when none
    # is chosen), narrowed by tags and by groups other apps register
    # (donors to an appeal, pledgers). Suppressed addresses are always out.
    topics = models.ManyToManyField(
        "supporters.Topic",
        blank=True,
        related_name="+",
        verbose_name="lists",
        help_text="Confirmed subscribers of any of these lists. None: every list.",
    )
    tags = models.ManyToManyField(
        "supporters.Tag",
        blank=True,
        related_name="+",
        help_text="Only supporters with these tags (optional).",
    )
    segments = models.JSONField(
        default=list,
        blank=True,
        help_text="Keys of registered audience groups (see audience.py).",
    )
    segment_match = models.CharField(
        max_length=3, choices=Match.choices, default=Match.ANY
    )

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set once the recipients are snapshotted: until then workers wait.
    snapshot_at = models.DateTimeField(null=True, blank=True)
    # When a worker last finished a batch: the sweep restarts a mailing whose
    # workers have all gone quiet, and the progress bar computes the rate.
    last_batch_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(max_length=255, blank=True)
    # Why the background job stopped (plain English, then the technical
    # detail): shown on the status page beside a "Try again" button.
    failure_reason = models.TextField(blank=True)

    # Frozen at send time: what every recipient gets, with merge fields still
    # in. Workers substitute per recipient, so edits cannot change a mailing
    # half-way and nothing is rendered twice.
    frozen_subject = models.TextField(blank=True)
    frozen_html = models.TextField(blank=True)
    frozen_text = models.TextField(blank=True)
    frozen_from = models.CharField(max_length=320, blank=True)

    # Plain page id, not a foreign key: supporters sits below campaign.
    source_page_id = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # Counters (O(1) progress and report); moved in the same transaction as
    # the Delivery rows they count.
    recipients_total = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    uncertain_count = models.PositiveIntegerField(default=0)
    delivered_count = models.PositiveIntegerField(default=0)
    bounced_count = models.PositiveIntegerField(default=0)
    complained_count = models.PositiveIntegerField(default=0)
    unsubscribed_count = models.PositiveIntegerField(default=0)
    # Only with MAILINGS_TRACK_AGGREGATE on: totals, never who opened or clicked.
    opened_count = models.PositiveIntegerField(default=0)
    clicked_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("send_mailing", "Can send, schedule, pause and cancel mailings")
        ]

    def __str__(self) -> str:
        return self.subject or f"Mailing {self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)

    @property
    def processed_count(self) -> int:
        return (
            self.sent_count + self.failed_count + self.skipped_count
        ) + self.uncertain_count


class Delivery(models.Model):
    """One recipient of one mailing.

    pending -> sending (claimed by a worker under a lease; the provider call
                        is about to start or in flight)
            -> sent | failed | uncertain (the call's outcome is unknown)
    pending -> skipped (suppressed or left the list by send time)
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Provider call in flight"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (suppressed or unsubscribed)"
        UNCERTAIN = "uncertain", "Uncertain (not re-sent)"

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Erasure sets it empty: the row stays for the counts, without the person.
    supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        max_length=9, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claim_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    error = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    complained_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "supporter"], name="delivery_one_per_supporter"
            )
        ]
        indexes = [
            models.Index(fields=["mailing", "status", "id"], name="delivery_queue"),
            models.Index(
                fields=["provider_message_id"],
                name="delivery_message_id",
                condition=~models.Q(provider_message_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Delivery {self.pk} of mailing {self.mailing_id} ({self.status})"
