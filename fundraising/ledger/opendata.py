"""The ledger as open data: one row shape for the CSV and the JSON, so the
two files (and the page) can never disagree. The schema is documented in the
README ("Where the money goes") and served with every file.

Nothing here names a person or points at an invoice: entries carry what the
public page shows and nothing more.
"""

from __future__ import annotations

from django.utils import timezone

from .models import CostEntry
from .selectors import LedgerSummary

LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
SCHEMA_VERSION = 1
ENTRY_FIELDS = [
    "entry_id",
    "date",
    "stage",
    "stage_kind",
    "kind",
    "counts_as",
    "category",
    "description",
    "amount_pence",
    "vat_pence",
    "total_pence",
    "signed_total_pence",
    "reverses_entry_id",
    "approved_on",
    "currency",
]


def entry_row(entry: CostEntry) -> dict:
    """One approved entry. ``counts_as`` is the figure it moves (cost,
    recovered, reserve_released); ``signed_total_pence`` is negative for a
    reversal, so summing it by ``counts_as`` gives the page's totals."""
    reversal = entry.kind == CostEntry.Kind.REVERSAL
    counts_as = entry.reverses.kind if reversal else entry.kind
    return {
        "entry_id": entry.pk,
        "date": entry.date.isoformat(),
        "stage": entry.stage.name,
        "stage_kind": entry.stage.kind,
        "kind": entry.kind,
        "counts_as": counts_as,
        "category": entry.category,
        "description": entry.description,
        "amount_pence": entry.amount_pence,
        "vat_pence": entry.vat_pence,
        "total_pence": entry.total_pence,
        "signed_total_pence": -entry.total_pence if reversal else entry.total_pence,
        "reverses_entry_id": entry.reverses_id,
        "approved_on": timezone.localtime(entry.approved_at).date().isoformat(),
        "currency": entry.currency,
    }


def stage_row(line) -> dict:
    stage = line.stage
    return {
        "stage_id": stage.pk,
        "order": stage.sort_order,
        "kind": stage.kind,
        "name": stage.name,
        "status": stage.status,
        "estimate_pence": stage.estimate_pence,
        "cap_pence": stage.cap_pence,
        "spent_pence": line.spent_pence,
        "recovered_pence": line.recovered_pence,
        "released_pence": line.released_pence,
        "reserved_pence": line.reserved_pence,
        "note": stage.public_note,
    }


def ledger_document(summary: LedgerSummary, *, schema_url: str) -> dict:
    appeal = summary.appeal
    return {
        "schema": schema_url,
        "schema_version": SCHEMA_VERSION,
        "licence": LICENCE,
        "appeal": {"name": appeal.name, "slug": appeal.slug},
        "currency": summary.currency,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "last_updated": (
            summary.last_updated.isoformat(timespec="seconds")
            if summary.last_updated
            else None
        ),
        "summary": {f"{key}_pence": pence for key, _, pence in summary.figures()}
        | {"budget_pence": summary.budget_pence},
        "surplus_policy": summary.surplus_policy,
        "stages": [stage_row(line) for line in summary.stages],
        "entries": [entry_row(entry) for entry in summary.entries],
    }
