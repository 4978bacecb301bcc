"""Stripe webhook events, stored raw under their unique id before anything
else happens, so a duplicate delivery is a no-op and nothing is lost."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class StripeEvent(models.Model):
    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField()
    livemode = models.BooleanField(default=False)
    created = models.DateTimeField(
        null=True, blank=True, help_text="When Stripe created the event."
    )
    # The payment it concerns, so an event that arrives before its donation
    # is known can be applied again once it is (see services.events).
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "Stripe event"

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"

    @property
    def data_object(self) -> dict:
        return (self.payload.get("data") or {}).get("object") or {}
