"""Consent evidence (append-only) and the suppression list."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ConsentRecord(models.Model):
    """One grant or withdrawal of consent, never edited afterwards.

    It keeps what a regulator asks for: who, for what purpose, on what lawful
    basis, when, where (form and page, import batch, donation), the exact
    wording shown and its version, and when double opt-in was confirmed.
    No IP address unless CONSENT_KEEP_TRUNCATED_IP is on.
    """

    class Action(models.TextChoices):
        GRANTED = "granted", "Granted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", "Consent"
        # PECR reg. 22(3) as extended to charities: existing supporters may be
        # emailed about similar causes unless they opt out. Offered only when the
        # organisation is a registered charity (home SiteSettings).
        SOFT_OPT_IN = "soft_opt_in", "Charity soft opt-in"

    supporter = models.ForeignKey(
        "supporters.Supporter", on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(max_length=60, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    lawful_basis = models.CharField(
        max_length=12, choices=LawfulBasis.choices, default=LawfulBasis.CONSENT
    )
    wording = models.TextField(blank=True)
    wording_version = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=200)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ip_truncated = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["supporter", "purpose", "-created_at"],
                name="consent_latest_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose}: {self.action} ({self.created_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Consent records are append-only: add a new record.")
        super().save(*args, **kwargs)


class Suppression(models.Model):
    """An address that gets no bulk mail, kept only as a hash of the address.

    It outlives erasure on purpose: the person is forgotten but never mailed
    again, unless they sign up afresh and confirm.
    """

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        HARD_BOUNCE = "hard_bounce", "Hard bounce"
        SOFT_BOUNCES = "soft_bounces", "Repeated soft bounces"
        COMPLAINT = "complaint", "Spam complaint"
        ERASED = "erased", "Data erased"
        MANUAL = "manual", "Added by staff"

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.email_hash[:12]}… ({self.get_reason_display()})"
