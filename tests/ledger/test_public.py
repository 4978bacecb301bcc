"""The public ledger: page, CSV and JSON agree with each other and with the
appeal's progress bar, and never show an unapproved entry, an invoice or a
person's name."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fundraising.ledger import services
from tests.ledger.conftest import entry_make
from tests.ledger.test_selectors import _bulk_approved

pytestmark = pytest.mark.django_db
PAGE = "/appeals/judicial-review/spending/"


@pytest.fixture
def ledger(settings, tmp_path, appeal, stages, fay, finn, policy):
    approved = entry_make(
        stages["pre_action"],
        by=fay,
        approve_by=finn,
        description="Solicitors: letter before claim",
        invoice=SimpleUploadedFile("fay-smith-invoice.pdf", b"%PDF-1.4 secret"),
    )
    waiting = entry_make(
        stages["permission"],
        by=fay,
        amount_pence=777_700,
        description="Counsel drafting grounds (unapproved)",
    )
    return approved, waiting


def figures(page: str) -> dict[str, str]:
    """The summary table as a reader sees it: figure -> amount shown."""
    return dict(
        re.findall(r'data-figure="(\w+)">.*?<span data-pence="-?\d+">([^<]+)<', page)
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_page_shows_approved_figures_stages_and_policy(client, ledger, appeal):
    response = client.get(PAGE)
    assert response.status_code == 200
    page = text(response)
    assert "Solicitors: letter before claim" in page
    assert figures(page) == {
        "raised": "£10,000",
        "recovered": "£0",
        "spent": "£1,200",
        "reserved": "£5,000",
        "available": "£3,800",
    }
    assert "Capped at £5,000" in page
    assert "Money not needed goes to the next stage of the case." in page
    assert "Last updated:" in page
    # The progress bar on the same page shows the same raised figure.
    assert "£10,000 raised" in page


def test_page_never_shows_unapproved_entries_invoices_or_names(client, ledger):
    page = text(client.get(PAGE))
    for secret in ("unapproved", "7,777", "fay", "finn", "invoice.pdf", "private/"):
        assert secret not in page.lower().replace("invoices are kept", "")


def test_json_matches_the_page_and_hides_what_is_private(client, ledger, appeal):
    response = client.get("/appeals/judicial-review/spending.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert 'rel="license"' in response["Link"]
    data = response.json()
    assert data["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["schema"].endswith("/appeals/spending-schema/")
    assert data["summary"] == {
        "raised_pence": appeal.raised_pence,
        "recovered_pence": 0,
        "spent_pence": 120_000,
        "reserved_pence": 500_000,
        "available_pence": 380_000,
        "budget_pence": 2_300_000,
    }
    assert [e["description"] for e in data["entries"]] == [
        "Solicitors: letter before claim"
    ]
    assert [s["status"] for s in data["stages"]] == [
        "done",
        "in_progress",
        "not_started",
    ]
    assert data["stages"][2]["cap_pence"] == 500_000
    raw = response.content.decode()
    for secret in ("fay", "finn", "invoice", "777700", "entered_by", "approved_by"):
        assert secret not in raw


def test_csv_rows_sum_to_the_json_summary(client, ledger, appeal, stages, fay, finn):
    approved, _ = ledger
    reversal = services.cost_entry_reverse(entry_id=approved.pk, user=finn)
    services.cost_entry_approve(entry_id=reversal.pk, user=fay)
    entry_make(stages["pre_action"], by=fay, approve_by=finn, amount_pence=50_000,
               vat_pence=10_000, description="=HYPERLINK(\"x\")")  # fmt: skip
    response = client.get("/appeals/judicial-review/spending.csv")
    assert response.status_code == 200
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    spent = sum(int(r["signed_total_pence"]) for r in rows if r["counts_as"] == "cost")
    data = client.get("/appeals/judicial-review/spending.json").json()
    assert spent == data["summary"]["spent_pence"] == 60_000
    assert len(rows) == len(data["entries"]) == 3
    assert {r["kind"] for r in rows} == {"cost", "reversal"}
    formula = next(r for r in rows if "HYPERLINK" in r["description"])
    assert formula["description"].startswith("'=")  # spreadsheet formula guard
    assert "fay" not in str(rows) and "invoice" not in str(rows)


def test_unknown_appeal_is_a_404_everywhere(client, db):
    for suffix in ("spending/", "spending.csv", "spending.json"):
        assert client.get(f"/appeals/nope/{suffix}").status_code == 404


def test_post_is_refused_without_a_500(client, ledger):
    assert client.post(PAGE).status_code == 405


def test_schema_page_documents_every_column(client, db):
    from fundraising.ledger.opendata import ENTRY_FIELDS

    page = client.get("/appeals/spending-schema/").content.decode()
    for name in ENTRY_FIELDS:
        assert f"<code>{name}</code>" in page


def test_invoice_is_not_under_media_and_not_served_publicly(client, ledger, settings):
    approved, _ = ledger
    assert not approved.invoice.path.startswith(str(settings.MEDIA_ROOT))
    assert client.get(f"/media/{approved.invoice.name}").status_code == 404
    assert (
        client.get(f"/admin/ledger/entries/{approved.pk}/invoice/").status_code == 302
    )


def _page_queries(client, count: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert response.status_code == 200
    assert response.content.decode().count("data-entry=") == count
    return len(queries)


def test_public_page_query_count_is_the_same_for_1_and_1000_entries(
    client, appeal, stages, fay, finn, policy
):
    _bulk_approved(stages["permission"], fay, finn, 1)
    client.get(PAGE)  # warm the per-process caches (site, settings)
    one = _page_queries(client, 1)
    _bulk_approved(stages["permission"], fay, finn, 999)
    assert _page_queries(client, 1000) == one <= 15


def test_donate_page_small_print_shows_the_surplus_policy(client, ledger):
    page = text(client.get("/donate/judicial-review/"))
    assert "If money is left over" in page
    assert "Money not needed goes to the next stage of the case." in page
    assert 'href="/appeals/judicial-review/spending/"' in page
