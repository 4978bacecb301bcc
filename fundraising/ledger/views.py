"""The public ledger: its page, CSV and JSON (HTTP only)."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from fundraising.models import Appeal
from supporters.spreadsheets import csv_cell, csv_response

from .opendata import ENTRY_FIELDS, LICENCE, entry_row, ledger_document
from .selectors import ledger_summary

TEXT_FIELDS = {"stage", "description"}


def _summary(slug: str):
    return ledger_summary(appeal=get_object_or_404(Appeal, slug=slug))


def _schema_url(request) -> str:
    return request.build_absolute_uri(reverse("ledger:schema"))


def _licensed(response):
    response["Link"] = f'<{LICENCE["url"]}>; rel="license"'
    return response


@require_safe
def spending_page(request, slug: str):
    summary = _summary(slug)
    return render(
        request,
        "ledger/spending_page.html",
        {"summary": summary, "appeal": summary.appeal, "licence": LICENCE},
    )


@require_safe
def spending_json(request, slug: str):
    document = ledger_document(_summary(slug), schema_url=_schema_url(request))
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read
    return _licensed(response)


@require_safe
def spending_csv(request, slug: str):
    summary = _summary(slug)

    def rows():
        yield ENTRY_FIELDS
        for entry in summary.entries.iterator(chunk_size=500):
            row = entry_row(entry)
            yield [
                csv_cell(row[name]) if name in TEXT_FIELDS else row[name]
                for name in ENTRY_FIELDS
            ]

    response = csv_response(f"{summary.appeal.slug}-spending.csv", rows())
    response["Access-Control-Allow-Origin"] = "*"
    return _licensed(response)


@require_safe
def schema(request):
    return render(
        request,
        "ledger/schema.html",
        {"fields": ENTRY_FIELDS, "licence": LICENCE},
    )
