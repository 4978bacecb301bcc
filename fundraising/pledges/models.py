"""Pledges, their reminders, and the milestones that called pledges in.

A pledge is a promise to give a fixed amount later: on a date, on the next
payday, or when the campaign reaches a timeline milestone. Fundraising never
imports campaign, so a milestone is referred to by its stable ``key`` with a
snapshot of its title taken when the pledge was made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fundraising.money import format_pence


class Pledge(models.Model):
    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Awaiting email confirmation"
        CONFIRMED = "confirmed", "Confirmed (outstanding)"
        FULFILLED = "fulfilled", "Paid"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"
        RELEASED = "released", "Released (appeal closed)"

    class When(models.TextChoices):
        DATE = "date", "On a date"
        PAYDAY = "payday", "On my next payday"
        MILESTONE = "milestone", "When the case reaches a milestone"

    OPEN_STATUSES = (Status.UNCONFIRMED, Status.CONFIRMED)

    appeal = models.ForeignKey(
        "fundraising.Appeal", on_delete=models.PROTECT, related_name="pledges"
    )
    # Empty once the pledge is anonymised (retention) or its pledger erased.
    supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pledges",
    )
    amount_pence = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="GBP")
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.UNCONFIRMED
    )
    when = models.CharField(max_length=10, choices=When.choices)
    # The London date it falls due. Empty for a milestone pledge until staff
    # mark the milestone reached ("call in").
    due_date = models.DateField(null=True, blank=True)
    payday = models.CharField(
        max_length=4, blank=True, help_text='Day of the month "1" to "31", or "last".'
    )
    milestone_key = models.UUIDField(null=True, blank=True)
    milestone_title = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=200, blank=True)
    # Bumped when a Checkout Session expires unpaid, so "give now" opens a new
    # one; within a round every click reuses the same session.
    checkout_round = models.PositiveSmallIntegerField(default=0)
    # Ticked "also email me updates": the pledge's own confirmation link
    # then confirms the mailing list too (one email, double opt-in).
    updates_requested = models.BooleanField(default=False)
    donation = models.ForeignKey(
        "fundraising.Donation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The donation that paid this pledge.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    called_in_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was cancelled or expired."
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("export_pledge", "Can export pledges (names and emails)")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0), name="pledge_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(when="milestone", milestone_key__isnull=False)
                | (~Q(when="milestone") & Q(milestone_key__isnull=True)),
                name="pledge_milestone_matches_when",
            ),
        ]
        indexes = [
            models.Index(fields=["appeal", "status"], name="pledge_appeal_status"),
            models.Index(fields=["status", "due_date"], name="pledge_status_due"),
            models.Index(fields=["milestone_key", "status"], name="pledge_milestone"),
            models.Index(fields=["status", "created_at"], name="pledge_status_created"),
        ]

    def __str__(self) -> str:
        return f"Pledge of {self.amount_display} ({self.get_status_display()})"

    @property
    def amount_display(self) -> str:
        return format_pence(self.amount_pence, self.currency)

    @property
    def is_outstanding(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def when_display(self) -> str:
        if self.when == self.When.MILESTONE and self.due_date is None:
            return f"When the case reaches: {self.milestone_title}"
        if self.due_date is None:
            return "Not set"
        return f"{self.due_date:%-d %B %Y}"


class PledgeReminder(models.Model):
    """One reminder email, a row claimed and sent at most once.

    At most two per pledge (number 1 on the due day, number 2 three days
    later); the unique constraint is what makes "never two" hold even when
    two sweeps run at once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not needed"

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="reminders"
    )
    number = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    manual = models.BooleanField(
        default=False, help_text="Brought forward by staff (remind now)."
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pledge", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "number"], name="pledge_reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=2),
                name="pledge_reminder_number_1_or_2",
            ),
        ]
        indexes = [
            # The sweep's query: small, only the rows still to send.
            models.Index(
                fields=["due_at"],
                condition=Q(status="pending"),
                name="pledge_reminder_pending_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.number} for pledge {self.pledge_id}"


class MilestoneCallIn(models.Model):
    """Staff marked a milestone reached: its pledges became due.

    One row per milestone, so calling in twice does nothing new, and a pledge
    confirmed after the call-in falls due straight away.
    """

    milestone_key = models.UUIDField(unique=True)
    milestone_title = models.CharField(max_length=200)
    appeal = models.ForeignKey(
        "fundraising.Appeal", on_delete=models.PROTECT, related_name="+"
    )
    called_in_at = models.DateTimeField(default=timezone.now)
    called_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pledges_count = models.PositiveIntegerField(default=0)
    amount_pence = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-called_in_at"]

    def __str__(self) -> str:
        return f"{self.milestone_title} called in {self.called_in_at:%d/%m/%Y}"
