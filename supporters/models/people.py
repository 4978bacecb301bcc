"""Supporters, the lists (topics) they subscribe to, and tags for segments."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from supporters.addresses import email_mask


class Supporter(models.Model):
    """One person the platform knows, by email address.

    Only what a form asked for: name and postcode stay blank unless a form
    collected them. The address is stored normalised (lower case) and is also
    unique case-insensitively at the database level.
    """

    # db_index adds a pattern index too, so admin prefix search stays fast.
    email = models.CharField(max_length=254, db_index=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="Where this person first came from."
    )
    tags = models.ManyToManyField("supporters.Tag", blank=True, related_name="+")
    soft_bounce_count = models.PositiveSmallIntegerField(default=0)
    # Last sign of life (sign-up, confirmation, preference change, donation...),
    # used by the retention task to flag long-inactive records for review.
    last_active_at = models.DateTimeField(default=timezone.now, db_index=True)
    review_flagged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="supporter_email_ci_unique"),
        ]
        indexes = [
            models.Index(fields=["source"], name="supporter_source_idx"),
            models.Index(fields=["last_name", "first_name"], name="supporter_name_idx"),
        ]
        permissions = [("export_supporter", "Can export supporters")]

    def __str__(self) -> str:
        return self.full_name or email_mask(self.email)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class Topic(models.Model):
    """A mailing list or topic people can subscribe to ("Campaign updates")."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)
    is_public = models.BooleanField(
        default=True, help_text="Offered on sign-up forms and the preference centre."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Unconfirmed"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    supporter = models.ForeignKey(
        Supporter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.UNCONFIRMED
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["supporter", "topic"], name="subscription_unique"
            )
        ]
        indexes = [
            models.Index(fields=["topic", "status"], name="subscription_topic_status"),
            # "Supporters with a confirmed subscription" (admin filter, totals):
            # an index-only scan instead of reading every subscription row.
            models.Index(
                fields=["status", "supporter"], name="subscription_status_sup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.get_status_display()})"


class Tag(models.Model):
    """A segment label staff attach to supporters ("volunteer", "Leeds")."""

    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
