"""Card donations (one-off, monthly and each monthly instalment) and Gift Aid."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from fundraising.money import format_pence

from .appeals import Appeal

# HMRC's model declaration wording, versioned: a declaration keeps the version
# its donor saw. Change the wording by adding a version, never editing one.
GIFT_AID_WORDING = {
    "2026-1": (
        "I want to Gift Aid my donation and any donations I make in the future or "
        "have made in the past 4 years to {organisation}. I am a UK taxpayer and "
        "understand that if I pay less Income Tax and/or Capital Gains Tax than "
        "the amount of Gift Aid claimed on all my donations in that tax year it "
        "is my responsibility to pay any difference."
    ),
}
GIFT_AID_WORDING_VERSION = "2026-1"


class GiftAidDeclaration(models.Model):
    """A donor's Gift Aid declaration (charity mode only).

    It keeps its own copy of the name and home address HMRC needs, so it
    survives the donor's erasure: HMRC requires declarations to be kept for
    six years after the last gift they cover.
    """

    class Scope(models.TextChoices):
        THIS_GIFT = "this_gift", "This gift only"
        ALL = "all", "This gift, past four years and future gifts"

    supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=35)
    last_name = models.CharField(max_length=35)
    house = models.CharField("House name or number", max_length=40)
    address = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=10)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.ALL)
    wording_version = models.CharField(max_length=20, default=GIFT_AID_WORDING_VERSION)
    declared_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-declared_at"]

    def __str__(self) -> str:
        return f"Gift Aid declaration {self.declared_at:%d/%m/%Y}"


class Donation(models.Model):
    """One card gift, or one paid instalment of a monthly gift.

    A monthly gift's first row (``parent`` empty) is created with its
    Checkout Session; each later ``invoice.paid`` adds a row whose ``parent``
    is that first row. What Stripe told us is kept as facts (paid, failed,
    refunded, disputed) merged in any order; ``status`` and ``counted_pence``
    (what this gift adds to its appeal's total) are derived from them.
    """

    class Frequency(models.TextChoices):
        ONE_OFF = "one_off", "One-off"
        MONTHLY = "monthly", "Monthly"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired unpaid"
        REFUNDED = "refunded", "Refunded"
        PARTLY_REFUNDED = "partly_refunded", "Partly refunded"
        DISPUTED = "disputed", "Disputed"

    class Dispute(models.TextChoices):
        NONE = "", "None"
        OPEN = "open", "Open"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    appeal = models.ForeignKey(
        Appeal,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
        help_text="Empty for the general fund.",
    )
    supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="instalments",
    )
    amount_pence = models.PositiveIntegerField()
    fee_cover_pence = models.PositiveIntegerField(
        default=0, help_text="Part of the amount the donor added to cover card fees."
    )
    currency = models.CharField(max_length=3, default="GBP")
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.ONE_OFF
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    gift_aid_declaration = models.ForeignKey(
        GiftAidDeclaration,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    # Idempotency for starting Checkout: a double-clicked form (or a pledge's
    # "give now" link) carries the same key and gets the same session.
    checkout_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    # Stripe references.
    checkout_session_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True
    )
    checkout_url = models.URLField(max_length=1000, blank=True)
    payment_intent_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True
    )
    charge_id = models.CharField(max_length=255, blank=True, db_index=True)
    subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    invoice_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    customer_id = models.CharField(max_length=255, blank=True)

    # Facts from Stripe, merged in any order (see services.events).
    paid_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    refunded_pence = models.PositiveIntegerField(default=0)
    dispute_status = models.CharField(
        max_length=10, choices=Dispute.choices, default="", blank=True
    )
    subscription_ended_at = models.DateTimeField(null=True, blank=True)
    # Charity mode: the donor did not tick "rather not hear from us", so when
    # this gift is paid they join the mailing list on the soft opt-in basis.
    updates_soft_opt_in = models.BooleanField(default=False)
    # Its Checkout Session ended unpaid (Stripe's checkout.session.expired, or
    # the sweep for sessions older than Stripe's 24 hours that we never heard
    # about): no longer pending, and no longer protecting a Gift Aid
    # declaration from its donor's erasure.
    expired_at = models.DateTimeField(null=True, blank=True)
    # Monthly gifts (first row): when the donor was last asked to update their
    # card. Set by the first invoice.payment_failed of a failure episode and
    # cleared by the next paid invoice, so Stripe's retries send one email.
    card_update_requested_at = models.DateTimeField(null=True, blank=True)
    # Erasure asked Stripe to cancel this monthly gift (first row); the sweep
    # retries until Stripe's customer.subscription.deleted sets
    # subscription_ended_at.
    subscription_cancel_requested_at = models.DateTimeField(null=True, blank=True)
    # Derived: what this row adds to its appeal, and whether it was the
    # donor's first paid gift to it (so the donor count moves once per donor).
    counted_pence = models.BigIntegerField(default=0)
    counts_donor = models.BooleanField(default=False)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["appeal", "status"]),
            models.Index(fields=["status", "paid_at"]),
        ]

    def __str__(self) -> str:
        every = " a month" if self.frequency == self.Frequency.MONTHLY else ""
        return (
            f"{format_pence(self.amount_pence, self.currency)}{every} ({self.status})"
        )

    @property
    def amount_display(self) -> str:
        return format_pence(self.amount_pence, self.currency)

    @property
    def is_monthly(self) -> bool:
        return self.frequency == self.Frequency.MONTHLY

    def derived_status(self) -> str:
        if self.dispute_status in {self.Dispute.OPEN, self.Dispute.LOST}:
            return self.Status.DISPUTED
        if self.paid_at:
            if self.refunded_pence >= self.amount_pence:
                return self.Status.REFUNDED
            if self.refunded_pence:
                return self.Status.PARTLY_REFUNDED
            return self.Status.SUCCEEDED
        if self.failed_at:
            return self.Status.FAILED
        return self.Status.EXPIRED if self.expired_at else self.Status.PENDING

    def derived_counted_pence(self) -> int:
        """Paid, less refunds, less money a dispute holds back (open or lost)."""
        if not self.paid_at:
            return 0
        held = self.amount_pence if self.dispute_status in {"open", "lost"} else 0
        return max(self.amount_pence - self.refunded_pence - held, 0)
