"""Reads of the ledger shared by the public page, the block, the open-data
files, the admin and the drift check.

``ledger_summary(*, appeal)`` runs a fixed number of queries whatever the
number of entries: the stages, one grouped sum of approved entries, the
surplus policy; the approved entries themselves are a lazy queryset read
once by whoever lists them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Max, QuerySet, Sum

from fundraising.models import Appeal
from fundraising.money import format_pence

from .models import CaseStage, CostEntry, SurplusPolicy

K = CostEntry.Kind


@dataclass
class StageLine:
    stage: CaseStage
    spent_pence: int = 0
    released_pence: int = 0
    recovered_pence: int = 0

    @property
    def reserved_pence(self) -> int:
        """What the reserve still holds back (0 for other stages)."""
        if not self.stage.is_reserve:
            return 0
        held = self.stage.estimate_pence - self.spent_pence - self.released_pence
        return max(held, 0)

    @property
    def remaining_pence(self) -> int:
        return self.stage.estimate_pence - self.spent_pence

    @property
    def spent_percent(self) -> int:
        if not self.stage.estimate_pence:
            return 100 if self.spent_pence else 0
        return min(round(100 * self.spent_pence / self.stage.estimate_pence), 100)


@dataclass
class LedgerSummary:
    appeal: Appeal
    currency: str
    raised_pence: int
    stages: list[StageLine]
    entries: QuerySet
    surplus_policy: str = ""
    last_updated: datetime.datetime | None = None
    spent_pence: int = 0
    recovered_pence: int = 0
    released_pence: int = 0
    reserved_pence: int = 0
    budget_pence: int = 0
    bars: list[dict] = field(default_factory=list)

    @property
    def available_pence(self) -> int:
        """Raised plus money back, less what was spent and what is held back."""
        return (
            self.raised_pence
            + self.recovered_pence
            - self.spent_pence
            - self.reserved_pence
        )

    @property
    def has_content(self) -> bool:
        return bool(self.stages)

    def money(self, pence: int) -> str:
        return format_pence(pence, self.currency)

    def figures(self) -> list[tuple[str, str, int]]:
        """(key, label, pence) rows of the summary table, CSV and JSON."""
        return [
            ("raised", "Raised", self.raised_pence),
            ("recovered", "Costs recovered", self.recovered_pence),
            ("spent", "Spent", self.spent_pence),
            ("reserved", "Reserved for adverse costs", self.reserved_pence),
            ("available", "Still available", self.available_pence),
        ]


def approved_entries(*, appeal: Appeal) -> QuerySet:
    """Approved entries of the appeal, newest first (one query when read)."""
    return (
        CostEntry.objects.filter(stage__appeal=appeal, approved_at__isnull=False)
        .select_related("stage", "reverses")
        .order_by("-date", "-pk")
    )


def _effects(appeal: Appeal) -> tuple[dict[int, StageLine], datetime.datetime | None]:
    """Approved sums per stage in one grouped query; a reversal counts as the
    negative of the kind it reverses."""
    rows = (
        CostEntry.objects.filter(stage__appeal=appeal, approved_at__isnull=False)
        .values("stage_id", "kind", "reverses__kind")
        .annotate(
            total=Sum(F("amount_pence") + F("vat_pence")), last=Max("approved_at")
        )
        .order_by()
    )
    sums: dict[int, dict[str, int]] = {}
    last = None
    for row in rows:
        kind, sign = row["kind"], 1
        if kind == K.REVERSAL:
            kind, sign = row["reverses__kind"], -1
        per_stage = sums.setdefault(row["stage_id"], {})
        per_stage[kind] = per_stage.get(kind, 0) + sign * row["total"]
        last = max(last, row["last"]) if last else row["last"]
    return sums, last


def ledger_summary(*, appeal: Appeal) -> LedgerSummary:
    """Raised (the appeal's stored total: the progress bar's figure), spent,
    recovered, reserved and available, per stage, with the approved entries."""
    stages = list(CaseStage.objects.filter(appeal=appeal).order_by("sort_order", "pk"))
    sums, last = _effects(appeal)
    lines = []
    for stage in stages:
        got = sums.get(stage.pk, {})
        lines.append(
            StageLine(
                stage=stage,
                spent_pence=got.get(K.COST, 0),
                released_pence=got.get(K.RESERVE_RELEASED, 0),
                recovered_pence=got.get(K.RECOVERED, 0),
            )
        )
        last = max(last, stage.updated_at) if last else stage.updated_at
    policy = SurplusPolicy.objects.filter(appeal=appeal).first()
    if policy is not None:
        last = max(last, policy.updated_at) if last else policy.updated_at
    summary = LedgerSummary(
        appeal=appeal,
        currency=appeal.currency,
        raised_pence=appeal.raised_pence,
        stages=lines,
        entries=approved_entries(appeal=appeal),
        surplus_policy=policy.text if policy else "",
        last_updated=last,
        spent_pence=sum(line.spent_pence for line in lines),
        recovered_pence=sum(line.recovered_pence for line in lines),
        released_pence=sum(line.released_pence for line in lines),
        reserved_pence=sum(line.reserved_pence for line in lines),
        budget_pence=sum(line.stage.estimate_pence for line in lines),
    )
    summary.bars = _bars(summary)
    return summary


def _bars(summary: LedgerSummary) -> list[dict]:
    """The chart: one horizontal bar per figure, as a share of the largest."""
    figures = [
        ("Raised", summary.raised_pence + summary.recovered_pence, "raised"),
        ("Spent", summary.spent_pence, "spent"),
        ("Reserved", summary.reserved_pence, "reserved"),
        ("Available", summary.available_pence, "available"),
    ]
    largest = max((max(pence, 0) for _, pence, _ in figures), default=0) or 1
    return [
        {
            "label": label,
            "pence": pence,
            "display": summary.money(pence),
            "percent": round(100 * max(pence, 0) / largest, 1),
            "css": css,
            "y": 8 + n * 40,
        }
        for n, (label, pence, css) in enumerate(figures)
    ]


def surplus_policy_text(*, appeal: Appeal) -> str:
    return (
        SurplusPolicy.objects.filter(appeal=appeal)
        .values_list("text", flat=True)
        .first()
        or ""
    )


@dataclass
class LedgerProblem:
    appeal: Appeal
    message: str


def ledger_check(*, appeal: Appeal) -> list[LedgerProblem]:
    """What the drift check reports for one appeal's ledger: entries whose
    stored facts break the ledger's rules (rows written around the services),
    and spending beyond the money there is."""
    problems = []
    entries = CostEntry.objects.filter(stage__appeal=appeal)
    for entry in entries.filter(approved_at__isnull=False).filter(
        approved_by=F("entered_by")
    ):
        problems.append(
            LedgerProblem(appeal, f"entry {entry.pk} approved by its enterer")
        )
    for entry in entries.exclude(currency=appeal.currency):
        problems.append(
            LedgerProblem(appeal, f"entry {entry.pk} is in {entry.currency}")
        )
    for entry in entries.filter(kind=K.REVERSAL).select_related("reverses"):
        original = entry.reverses
        if original is None or original.stage.appeal_id != appeal.pk:
            problems.append(
                LedgerProblem(appeal, f"reversal {entry.pk} reverses another appeal")
            )
        elif (original.amount_pence, original.vat_pence) != (
            entry.amount_pence,
            entry.vat_pence,
        ):
            problems.append(
                LedgerProblem(
                    appeal, f"reversal {entry.pk} does not match entry {original.pk}"
                )
            )
        elif entry.is_approved and not original.is_approved:
            problems.append(
                LedgerProblem(
                    appeal, f"reversal {entry.pk} reverses unapproved {original.pk}"
                )
            )
    summary = ledger_summary(appeal=appeal)
    if summary.available_pence < 0:
        problems.append(
            LedgerProblem(
                appeal,
                "spent and reserved exceed what was raised by "
                f"{summary.money(-summary.available_pence)}",
            )
        )
    return problems
