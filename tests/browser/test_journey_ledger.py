"""Journey: where the money goes.

Finance staff add a budget (two stages) and two costs; a second person
approves one; the public page shows exactly the approved figures and they
add up with the progress bar; the CSV and JSON say the same as the page; and
marking a stage done offers the donor update, which becomes a draft mailing.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from fundraising.ledger.models import CaseStage, CostEntry
from fundraising.models import Appeal, ExternalContribution
from home.seed import seed_home
from supporters.mailings.models import Mailing
from tests.browser.conftest import (
    admin_login,
    axe_violations,
    horizontal_overflow,
    save_screenshot,
    staff_user,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def pence_of(text: str) -> int:
    """ "£1,234.50" -> 123450 (as a reader would add it up)."""
    sign = -1 if text.strip().startswith(("-", "\u2212")) else 1
    pounds, _, pence = re.sub(r"[^\d.]", "", text).partition(".")
    return sign * (int(pounds or 0) * 100 + int((pence or "0").ljust(2, "0")))


def choose_appeal(page, name: str) -> None:
    page.get_by_role("button", name=re.compile("Choose", re.I)).first.click()
    page.locator(".modal").get_by_role("link", name=name).click()
    expect(page.locator(".modal")).to_be_hidden()


def add_stage(page, site_url, appeal_name, kind, order, estimate, cap=""):
    page.goto(f"{site_url}/admin/ledger/stages/new/")
    choose_appeal(page, appeal_name)
    page.locator("#id_kind").select_option(label=kind)
    page.locator("#id_sort_order").fill(str(order))
    page.locator("#id_estimate_pence").fill(estimate)
    page.locator("#id_cap_pence").fill(cap)
    page.locator("#id_status").select_option(label="In progress")
    page.get_by_role("button", name=re.compile("^(Save|Create)")).first.click()
    expect(page.get_by_text(re.compile("created", re.I)).first).to_be_visible()


def add_cost(page, site_url, stage, category, amount, vat, description):
    page.goto(f"{site_url}/admin/ledger/entries/new/")
    page.locator("#id_stage").select_option(label=stage)
    page.locator("#id_category").select_option(label=category)
    page.locator("#id_date").fill("2026-11-02")
    page.locator("#id_amount_pence").fill(amount)
    page.locator("#id_vat_pence").fill(vat)
    page.locator("#id_description").fill(description)
    page.get_by_role("button", name=re.compile("^(Save|Create)")).first.click()
    expect(page.get_by_text(re.compile("created", re.I)).first).to_be_visible()


def test_finance_budget_costs_approval_public_ledger_and_donor_update(
    browser, page, site_url, requested_hosts, csp_violations
):
    seed_home(log=lambda *_: None)
    appeal = Appeal.objects.create(
        name="Judicial review costs",
        slug="judicial-review",
        purpose="Legal costs of the judicial review.",
        target_pence=2_500_000,
    )
    ExternalContribution.objects.create(
        appeal=appeal, source="crowdjustice", amount_pence=842_000, supporters=212
    )
    page.set_default_timeout(15_000)

    # Finance staff (Fay) add the budget and two costs.
    fay = staff_user("fay", groups=["Finance"])
    admin_login(page, site_url, fay)
    add_stage(
        page, site_url, appeal.name, "Pre-action (letter before claim)", 1, "5000"
    )
    add_stage(
        page, site_url, appeal.name, "Reserve for adverse costs", 2, "3000", "10000"
    )
    stage_label = "Judicial review costs: Pre-action (letter before claim)"
    add_cost(page, site_url, stage_label, "Solicitors", "2500", "500",
             "Solicitors: letter before claim")  # fmt: skip
    add_cost(page, site_url, stage_label, "Counsel (barristers)", "1200.50", "240.10",
             "Counsel's advice on grounds")  # fmt: skip
    listing = page.locator("table.listing")
    expect(listing).to_contain_text("Awaiting approval")
    # Fay cannot approve her own entries: no Approve action for her.
    approve_links = page.locator("a[href*='/approve/']")
    expect(approve_links).to_have_count(0)

    # A second person (Finn) approves the solicitors' cost.
    finn_context = browser.new_context()
    finn_page = finn_context.new_page()
    finn_page.set_default_timeout(15_000)
    admin_login(finn_page, site_url, staff_user("finn", groups=["Finance"]))
    solicitors = CostEntry.objects.get(description="Solicitors: letter before claim")
    finn_page.goto(f"{site_url}/admin/ledger/entries/")
    row = finn_page.locator("tr", has_text="Solicitors: letter before claim")
    row.get_by_role("button", name=re.compile("More options", re.I)).click()
    row.get_by_role("link", name="Approve").click()
    expect(finn_page.get_by_text("£3,000")).to_be_visible()
    finn_page.get_by_role("button", name="Approve").click()
    expect(finn_page.get_by_text(re.compile("It now counts"))).to_be_visible()
    save_screenshot(finn_page, "journey-ledger-approved")
    solicitors.refresh_from_db()
    assert solicitors.approved_at and solicitors.approved_by.username == "finn"
    finn_context.close()

    # The public page: exactly the approved figures, adding up with the bar.
    reader_context = browser.new_context(viewport={"width": 360, "height": 800})
    reader = reader_context.new_page()
    reader.on("console", lambda m: csp_violations.append(m.text)
              if "Content Security Policy" in m.text else None)  # fmt: skip
    reader.goto(f"{site_url}/appeals/judicial-review/spending/")
    figures = {
        key: pence_of(reader.locator(f"tr[data-figure={key}] td").inner_text())
        for key in ("raised", "recovered", "spent", "reserved", "available")
    }
    progress_raised = reader.locator(".appeal-progress").get_by_text(
        re.compile(r"£[\d,]+ raised")
    ).first.inner_text()  # fmt: skip
    assert figures["raised"] == pence_of(progress_raised.split("raised")[0]
                                         .rsplit(":", 1)[-1]) == 842_000  # fmt: skip
    assert figures == {
        "raised": 842_000,
        "recovered": 0,
        "spent": 300_000,
        "reserved": 300_000,
        "available": 242_000,
    }
    assert figures["available"] == (
        figures["raised"] + figures["recovered"] - figures["spent"]
        - figures["reserved"]
    )  # fmt: skip
    entries = reader.locator("table.ledger-entries tbody tr")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("Solicitors: letter before claim")
    expect(entries.first).to_contain_text("£500")
    body = reader.locator("body").inner_text()
    assert "Counsel's advice on grounds" not in body  # awaiting approval
    assert "fay" not in body.lower() and "finn" not in body.lower()
    assert horizontal_overflow(reader) == 0
    assert axe_violations(reader) == []
    save_screenshot(reader, "journey-ledger-public-360")
    reader.set_viewport_size({"width": 1280, "height": 900})
    save_screenshot(reader, "journey-ledger-public-1280")

    # The CSV and JSON say the same as the page.
    data = reader.request.get(
        f"{site_url}/appeals/judicial-review/spending.json"
    ).json()
    assert {k.removesuffix("_pence"): v for k, v in data["summary"].items()
            if k != "budget_pence"} == figures  # fmt: skip
    assert [e["description"] for e in data["entries"]] == [
        "Solicitors: letter before claim"
    ]
    csv_text = reader.request.get(
        f"{site_url}/appeals/judicial-review/spending.csv"
    ).text()
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [(r["description"], r["total_pence"]) for r in rows] == [
        ("Solicitors: letter before claim", "300000")
    ]
    reader_context.close()

    # Fay marks the pre-action stage done and is offered the donor update.
    stage = CaseStage.objects.get(appeal=appeal, kind="pre_action")
    page.goto(f"{site_url}/admin/ledger/stages/edit/{stage.pk}/")
    page.locator("#id_status").select_option(label="Done")
    page.get_by_role("button", name=re.compile("^Save")).first.click()
    expect(page.get_by_role("heading", name=re.compile("Tell donors"))).to_be_visible()
    save_screenshot(page, "journey-ledger-offer-update")
    page.get_by_role("button", name="Prepare the donor update").click()
    page.wait_for_url(re.compile(r"/admin/mailings/\d+/status/"))
    mailing = Mailing.objects.get()
    assert mailing.status == "draft"
    assert mailing.segments == [f"donors:{appeal.pk}"]
    assert "Pre-action (letter before claim) is done" in mailing.subject
    save_screenshot(page, "journey-ledger-draft-mailing")

    assert csp_violations == []
    assert set(requested_hosts) <= {site_url.split("//", 1)[1]}
