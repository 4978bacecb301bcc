"""Appeals and the money that reaches them outside Stripe."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models, transaction
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from fundraising.money import PenceField, format_pence, pounds_to_pence

CURRENCY_CHOICES = [("GBP", "Pound sterling (GBP)")]
RESERVED_SLUGS = {"thank-you", "cancelled", "manage"}  # fixed paths under /donate/
https_only = URLValidator(schemes=["https"], message="Enter an https:// address.")


def validate_suggested_amounts(value: str) -> None:
    try:
        amounts = parse_suggested_amounts(value)
    except ValueError as error:
        raise ValidationError(
            "List amounts in pounds separated by commas, e.g. 10, 25, 50, 100."
        ) from error
    if not 1 <= len(amounts) <= 6:
        raise ValidationError("Offer between one and six suggested amounts.")


def parse_suggested_amounts(value: str) -> list[int]:
    """ "10, 25, 50" -> [1000, 2500, 5000] (pence); ValueError if malformed."""
    amounts = [pounds_to_pence(part) for part in value.split(",") if part.strip()]
    if any(amount <= 0 for amount in amounts):
        raise ValueError(value)
    return amounts


def parse_amount_impacts(value: str) -> dict[int, str]:
    """ "25 = An hour of legal research" per line -> {2500: "An hour of ..."}.

    ValueError names the first line that is not ``pounds = what it pays for``.
    """
    impacts: dict[int, str] = {}
    for number, line in enumerate(value.splitlines(), start=1):
        if not line.strip():
            continue
        amount, separator, text = line.partition("=")
        if not separator or not text.strip():
            raise ValueError(number)
        try:
            pence = pounds_to_pence(amount.strip().lstrip("£"))
        except ValueError as error:
            raise ValueError(number) from error
        impacts[pence] = text.strip()
    return impacts


class Appeal(models.Model):
    """A fundraising target with its stored totals.

    The totals are moved by the same transaction as the event that moves
    them (a Stripe webhook, an external contribution, a pledge), so pages read
    them in O(1). ``manage.py recompute_appeal_totals`` checks them against
    the records and reports any drift.
    """

    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="The donate page is /donate/<slug>/."
    )
    purpose = models.TextField(
        "What the money is for",
        max_length=1000,
        help_text="Shown on the donate page: say plainly what gifts pay for.",
    )
    target_pence = PenceField(
        "Target (£)", validators=[MinValueValidator(100)], default=100_000
    )
    stretch_target_pence = PenceField(
        "Stretch target (£)", null=True, blank=True, validators=[MinValueValidator(100)]
    )
    deadline = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="GBP")
    crowdjustice_url = models.URLField(
        "CrowdJustice page",
        blank=True,
        validators=[https_only],
        help_text="The case's CrowdJustice page, shown beside card donations.",
    )
    suggested_amounts = models.CharField(
        max_length=100,
        default="10, 25, 50, 100",
        validators=[validate_suggested_amounts],
        help_text="Pounds, separated by commas.",
    )
    amount_impacts = models.TextField(
        "What each amount pays for",
        blank=True,
        max_length=1000,
        help_text="One line per suggested amount, shown on its button: "
        "25 = pays for an hour of legal research",
    )
    is_open = models.BooleanField(
        default=True,
        help_text="Untick to stop taking donations for this appeal. If it has "
        "open pledges, use Pledges > Close an appeal instead, which also moves "
        "or releases them.",
    )

    # Stored totals (never edited by hand: see the services).
    raised_pence = models.BigIntegerField(default=0, editable=False)
    stripe_pence = models.BigIntegerField(default=0, editable=False)
    external_pence = models.BigIntegerField(default=0, editable=False)
    crowdjustice_pence = models.BigIntegerField(default=0, editable=False)
    crowdjustice_as_of = models.DateField(null=True, blank=True, editable=False)
    donor_count = models.PositiveIntegerField(default=0, editable=False)
    external_supporters = models.PositiveIntegerField(default=0, editable=False)
    # Filled by the pledges feature.
    pledged_pence = models.BigIntegerField(default=0, editable=False)
    pledges_outstanding = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("purpose"),
        FieldRowPanel([FieldPanel("target_pence"), FieldPanel("stretch_target_pence")]),
        FieldPanel("deadline"),
        FieldPanel("suggested_amounts"),
        FieldPanel("amount_impacts"),
        MultiFieldPanel(
            [FieldPanel("crowdjustice_url"), FieldPanel("currency")],
            heading="Other routes",
        ),
        FieldPanel("is_open"),
    ]

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": "This word is reserved; choose another."})
        if self.stretch_target_pence and self.stretch_target_pence <= (
            self.target_pence or 0
        ):
            raise ValidationError(
                {"stretch_target_pence": "The stretch target must exceed the target."}
            )
        self._clean_amount_impacts()

    def _clean_amount_impacts(self) -> None:
        try:
            impacts = parse_amount_impacts(self.amount_impacts)
        except ValueError as error:
            raise ValidationError(
                {
                    "amount_impacts": f"Line {error.args[0]}: write the amount in "
                    "pounds, an equals sign, then what it pays for, e.g. "
                    "25 = pays for an hour of legal research."
                }
            ) from error
        try:
            suggested = parse_suggested_amounts(self.suggested_amounts)
        except ValueError:
            return  # the suggested amounts field reports its own error
        unknown = [pence for pence in impacts if pence not in suggested]
        if unknown:
            raise ValidationError(
                {
                    "amount_impacts": "Describe only the suggested amounts; "
                    f"{format_pence(unknown[0])} is not one of them."
                }
            )

    @property
    def suggested_amounts_pence(self) -> list[int]:
        try:
            return parse_suggested_amounts(self.suggested_amounts)
        except ValueError:
            return [1000, 2500, 5000, 10000]

    @property
    def amount_impacts_pence(self) -> dict[int, str]:
        """What each suggested amount pays for, by amount in pence."""
        try:
            return parse_amount_impacts(self.amount_impacts)
        except ValueError:
            return {}

    @property
    def supporters_count(self) -> int:
        return self.donor_count + self.external_supporters

    @property
    def days_left(self) -> int | None:
        if self.deadline is None:
            return None
        today = timezone.localdate()
        return max((self.deadline - today).days, 0)

    @property
    def raised_display(self) -> str:
        return format_pence(self.raised_pence, self.currency)

    @property
    def target_display(self) -> str:
        return format_pence(self.target_pence, self.currency)


class ExternalContribution(models.Model):
    """Money that reached the appeal elsewhere, entered by staff.

    CrowdJustice has no API, so staff keep its figure current here: for that
    source, an entry is the page's running total on the given date and only
    the latest one counts. Every other source adds up.
    """

    class Source(models.TextChoices):
        CROWDJUSTICE = "crowdjustice", "CrowdJustice page (running total)"
        CHEQUE = "cheque", "Cheque"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        EVENT = "event", "Event"
        OTHER = "other", "Other"

    appeal = models.ForeignKey(
        Appeal, on_delete=models.PROTECT, related_name="external_contributions"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    amount_pence = PenceField(
        "Amount (£)",
        validators=[MinValueValidator(0)],
        help_text="For CrowdJustice, the total shown on the page on that date.",
    )
    received_on = models.DateField(
        "Date", default=datetime.date.today, help_text="For CrowdJustice: 'as of'."
    )
    supporters = models.PositiveIntegerField(
        default=0,
        help_text="How many people gave (CrowdJustice shows its number of backers).",
    )
    note = models.CharField(max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    panels = [
        FieldPanel("appeal"),
        FieldPanel("source"),
        FieldRowPanel([FieldPanel("amount_pence"), FieldPanel("received_on")]),
        FieldPanel("supporters"),
        FieldPanel("note"),
    ]

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["appeal", "source", "-received_on"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount_display}"

    def save(self, *args, **kwargs):
        # The appeal's totals move in the same transaction as the record.
        from fundraising.services.totals import appeal_external_refresh

        with transaction.atomic():
            previous = (
                ExternalContribution.objects.filter(pk=self.pk)
                .values_list("appeal_id", flat=True)
                .first()
            )
            super().save(*args, **kwargs)
            for appeal_id in {self.appeal_id, previous} - {None}:
                appeal_external_refresh(appeal_id=appeal_id)

    def delete(self, *args, **kwargs):
        from fundraising.services.totals import appeal_external_refresh

        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            appeal_external_refresh(appeal_id=self.appeal_id)
        return result

    @property
    def amount_display(self) -> str:
        return format_pence(self.amount_pence)
