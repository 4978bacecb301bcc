"""A confirmed pledger can pay early from the manage page, not only from the
reminder (the demo's "pay a pledge" step, and real pledgers who are ready)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from fundraising.models import Donation
from fundraising.pledges import links
from fundraising.pledges.models import Pledge

from .factories import pledge_make


def manage_page(client, pledge):
    url = links.pledge_url(links.MANAGE, pledge.pk)
    return BeautifulSoup(client.get(url).content, "html.parser")


def test_confirmed_pledge_is_paid_early_from_its_manage_page(
    client, appeal, stripe_double
):
    pledge = pledge_make(appeal=appeal, amount_pence=2500)
    give = manage_page(client, pledge).find("a", string="Give £25 now")
    assert give is not None
    response = client.get(give["href"])
    assert response.status_code == 302
    assert response["Location"].startswith(stripe_double.url)
    stripe_double.pay(Donation.objects.get().checkout_session_id)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.FULFILLED
    assert manage_page(client, pledge).find("a", string="Give £25 now") is None


def test_unconfirmed_pledge_offers_no_early_payment(client, appeal, stripe_double):
    pledge = pledge_make(appeal=appeal, confirm=False)
    page = manage_page(client, pledge)
    assert page.find(string="Ready to give now?") is None
    assert page.select_one("a[href*='/pledge/give/']") is None


def test_without_card_payments_the_manage_page_offers_no_early_payment(client, appeal):
    pledge = pledge_make(appeal=appeal)
    assert manage_page(client, pledge).find(string="Ready to give now?") is None
