"""The case's budget by stage, its cost entries and the surplus policy.

Money is integer pence in the appeal's currency. A cost entry counts (and is
shown) only once a second person has approved it; an approved entry is never
edited or deleted: a correction is a new entry that reverses it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import LazyObject
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from fundraising.money import PenceField, format_pence

# No single figure in a small group's case reaches £10 million: anything larger
# is a typing mistake (and stays far inside a 64-bit integer when summed).
MAX_PENCE = 1_000_000_000
INVOICE_MAX_BYTES = 10 * 1024 * 1024
INVOICE_EXTENSIONS = ["pdf", "png", "jpg", "jpeg"]


class PrivateStorage(LazyObject):
    """Invoices live in the "private" storage (outside MEDIA_ROOT), so
    /media/ can never serve them; staff with the finance permission download
    them through an admin view."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


def invoice_storage() -> PrivateStorage:
    """Given to the field as a callable, so migrations record this function
    rather than a machine's absolute path."""
    return private_storage


def validate_invoice_size(file) -> None:
    if file.size > INVOICE_MAX_BYTES:
        raise ValidationError("The invoice must be smaller than 10 MB.")


def pence_validators(minimum: int = 0) -> list:
    return [
        MinValueValidator(minimum),
        MaxValueValidator(MAX_PENCE, message="That is more than £10,000,000."),
    ]


class CaseStage(models.Model):
    """One stage of the case, with its estimate and where it has got to."""

    class Kind(models.TextChoices):
        PRE_ACTION = "pre_action", "Pre-action (letter before claim)"
        PERMISSION = "permission", "Permission stage"
        SUBSTANTIVE = "substantive", "Substantive hearing"
        APPEAL = "appeal", "Appeal"
        ADVERSE_COSTS = "adverse_costs", "Reserve for adverse costs"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    appeal = models.ForeignKey(
        "fundraising.Appeal", on_delete=models.PROTECT, related_name="case_stages"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(
        max_length=120,
        blank=True,
        help_text="Optional public name; empty: the kind's name.",
    )
    sort_order = models.PositiveSmallIntegerField(
        "Order", default=0, help_text="Stages are listed in this order (1, 2, 3...)."
    )
    estimate_pence = PenceField(
        "Estimate (£)",
        default=0,
        validators=pence_validators(),
        help_text="What this stage is expected to cost, VAT included.",
    )
    cap_pence = PenceField(
        "Costs cap (£)",
        null=True,
        blank=True,
        validators=pence_validators(1),
        help_text=(
            "Adverse-costs reserve only: the most the group can be ordered to pay "
            "(a costs-capping order or similar limit), if there is one."
        ),
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    public_note = models.TextField(
        max_length=1000, blank=True, help_text="Shown to the public beside the stage."
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("appeal"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("sort_order")]),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("estimate_pence"), FieldPanel("cap_pence")]),
        FieldPanel("status"),
        FieldPanel("public_note"),
    ]

    class Meta:
        ordering = ["appeal", "sort_order", "pk"]
        verbose_name = "case stage"
        permissions = [
            ("manage_finance", "Can keep the case budget and enter costs (finance)"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimate_pence__gte=0), name="ledger_stage_estimate_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(cap_pence__isnull=True)
                | Q(kind="adverse_costs", cap_pence__gt=0),
                name="ledger_stage_cap_only_on_reserve",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal}: {self.name}" if self.appeal_id else self.name

    @property
    def name(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def estimate_display(self) -> str:
        return format_pence(self.estimate_pence, self.appeal.currency)

    @property
    def is_reserve(self) -> bool:
        return self.kind == self.Kind.ADVERSE_COSTS

    def clean(self):
        errors = {}
        if self.cap_pence is not None and not self.is_reserve:
            errors["cap_pence"] = "Only the adverse-costs reserve has a cap."
        if (
            self.cap_pence is not None
            and self.estimate_pence is not None
            and self.estimate_pence > self.cap_pence
        ):
            errors["estimate_pence"] = "The reserve cannot be more than the cap."
        if errors:
            raise ValidationError(errors)


class CostEntry(models.Model):
    """A cost, money coming back, or the reversal of an earlier entry."""

    class Kind(models.TextChoices):
        COST = "cost", "Cost"
        RECOVERED = "recovered", "Costs recovered from the other side"
        RESERVE_RELEASED = "reserve_released", "Unused reserve released"
        REVERSAL = "reversal", "Reversal of an earlier entry"

    class Category(models.TextChoices):
        SOLICITORS = "solicitors", "Solicitors"
        COUNSEL = "counsel", "Counsel (barristers)"
        COURT_FEES = "court_fees", "Court fees"
        EXPERTS = "experts", "Experts"
        OTHER = "other", "Other"

    stage = models.ForeignKey(
        CaseStage, on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COST)
    category = models.CharField(
        max_length=20, choices=Category.choices, default=Category.SOLICITORS
    )
    date = models.DateField(default=timezone.localdate)
    amount_pence = PenceField(
        "Amount before VAT (£)",
        validators=pence_validators(1),
        help_text="Pounds and pence, e.g. 1250.00.",
    )
    vat_pence = PenceField(
        "VAT (£)",
        default=0,
        validators=pence_validators(),
        help_text="As on the invoice; 0 if none.",
    )
    currency = models.CharField(max_length=3, default="GBP", editable=False)
    description = models.CharField(
        "Public description",
        max_length=200,
        help_text=(
            "Shown to the public. Describe the work, never a person: e.g. "
            "'Counsel's advice on grounds'."
        ),
    )
    invoice = models.FileField(
        "Invoice (private)",
        storage=invoice_storage,
        upload_to="ledger/invoices/%Y/%m/",
        blank=True,
        validators=[
            FileExtensionValidator(INVOICE_EXTENSIONS),
            validate_invoice_size,
        ],
        help_text="PDF or image, under 10 MB. Never shown to the public.",
    )
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        editable=False,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    entered_at = models.DateTimeField(default=timezone.now, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "cost entry"
        verbose_name_plural = "cost entries"
        permissions = [
            ("approve_costentry", "Can approve cost entries entered by someone else"),
        ]
        indexes = [models.Index(fields=["stage", "approved_at"])]
        constraints = [
            # The two-person rule, in the database as well as the service.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | Q(entered_by__isnull=True)
                | ~Q(approved_by=F("entered_by")),
                name="ledger_entry_approver_is_not_enterer",
            ),
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0, amount_pence__lte=MAX_PENCE),
                name="ledger_entry_amount_in_range",
            ),
            models.CheckConstraint(
                condition=Q(vat_pence__gte=0, vat_pence__lte=MAX_PENCE),
                name="ledger_entry_vat_in_range",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="ledger_entry_reversal_has_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y} {self.description} ({self.total_display})"

    def save(self, *args, **kwargs):
        # Immutable once approved: the only change an approved row ever gets
        # is its approval itself (see services.cost_entry_approve).
        approving = kwargs.pop("approving", False)
        if self.pk and not approving:
            stored = type(self).objects.filter(pk=self.pk, approved_at__isnull=False)
            if stored.exists():
                raise ValidationError(
                    "An approved entry cannot be changed; reverse it instead."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if type(self).objects.filter(pk=self.pk, approved_at__isnull=False).exists():
            raise ValidationError(
                "An approved entry cannot be deleted; reverse it instead."
            )
        return super().delete(*args, **kwargs)

    @property
    def total_pence(self) -> int:
        return (self.amount_pence or 0) + (self.vat_pence or 0)

    @property
    def total_display(self) -> str:
        return format_pence(self.total_pence, self.currency)

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def status_display(self) -> str:
        return "Approved" if self.is_approved else "Awaiting approval"

    def clean(self):
        if self.kind == self.Kind.REVERSAL and self.reverses_id is None:
            raise ValidationError(
                {"kind": "Reverse an entry with its 'Reverse' button instead."}
            )
        releasing = self.kind == self.Kind.RESERVE_RELEASED
        if releasing and self.stage_id and not self.stage.is_reserve:
            raise ValidationError(
                {"stage": "Released reserve belongs to the adverse-costs reserve."}
            )


class SurplusPolicy(models.Model):
    """What happens to money the case does not need, in the editors' words."""

    appeal = models.OneToOneField(
        "fundraising.Appeal", on_delete=models.CASCADE, related_name="surplus_policy"
    )
    text = models.TextField(
        max_length=2000,
        help_text=(
            "Plain words: what happens to money not needed (e.g. kept for the "
            "next stage, given to a named charity, offered back). Shown beside "
            "the ledger and in the donate page's small print."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("appeal"), FieldPanel("text")]

    class Meta:
        verbose_name = "surplus policy"
        verbose_name_plural = "surplus policies"

    def __str__(self) -> str:
        return f"Surplus policy: {self.appeal}"
