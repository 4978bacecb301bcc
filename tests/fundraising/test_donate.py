"""The donate, cancel and thank-you pages, and the donate form's bad input."""

from __future__ import annotations

import pytest
import requests

from fundraising.models import Donation, GiftAidDeclaration
from supporters.models import ConsentRecord, Supporter
from tests.fundraising.conftest import form_data

pytestmark = pytest.mark.django_db
DONATE = "/donate/judicial-review/"


def test_donate_page_offers_suggested_amounts_both_routes_and_no_stripe_js(
    client, stripe_double, appeal
):
    response = client.get(DONATE)
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("£10", "£25", "£50", "£100", "Other amount"):
        assert label in html
    assert "Give on our CrowdJustice page" in html
    assert "js.stripe.com" not in html and "<iframe" not in html
    assert 'name="cardnumber"' not in html
    assert (
        'name="mailing_list"' in html
        and "checked" not in html.split('name="mailing_list"')[1].split(">")[0]
    )
    assert "Gift Aid" not in html  # not a charity


def test_donate_page_shows_test_mode_when_the_double_is_used(
    client, stripe_double, appeal
):
    assert "Test mode" in client.get(DONATE).content.decode()


def test_without_stripe_keys_the_page_offers_crowdjustice_and_never_fails(
    client, settings, appeal
):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    page = client.get(DONATE)
    assert page.status_code == 200
    assert "Card donations are not set up" in page.content.decode()
    assert "Give on our CrowdJustice page" in page.content.decode()
    posted = client.post(DONATE, form_data())
    assert posted.status_code == 200
    assert not Donation.objects.exists()


def test_valid_form_redirects_to_checkout_with_a_pending_donation(
    client, stripe_double, appeal
):
    response = client.post(DONATE, form_data(amount="5000"))
    assert response.status_code == 303
    donation = Donation.objects.get()
    assert response["Location"] == donation.checkout_url
    assert donation.amount_pence == 5000
    assert donation.status == "pending"
    assert donation.supporter.email == "grace@example.org"
    assert not ConsentRecord.objects.exists()  # the box was left unticked


def test_double_submitted_form_opens_one_session(client, stripe_double, appeal):
    data = form_data()
    first = client.post(DONATE, data)
    second = client.post(DONATE, data)
    assert first["Location"] == second["Location"]
    assert Donation.objects.count() == 1
    assert len(stripe_double.sessions()) == 1


def test_other_amount_monthly_with_fees_covered(client, stripe_double, appeal):
    response = client.post(
        DONATE,
        form_data(
            amount="other", other_amount="12.50", frequency="monthly", cover_fees="on"
        ),
    )
    assert response.status_code == 303
    donation = Donation.objects.get()
    # £12.50 grossed up for 1.5% + 20p: the appeal receives £12.50 after fees.
    assert donation.fee_cover_pence == 40
    assert donation.amount_pence == 1290
    assert donation.frequency == "monthly"
    session = stripe_double.state.get(donation.checkout_session_id)
    assert session["mode"] == "subscription"


@pytest.mark.parametrize("amount_pence", [100, 1250, 2500, 99_999, 1_000_000])
def test_covering_the_fees_adds_the_least_that_leaves_the_appeal_the_gift(
    amount_pence,
):
    from fractions import Fraction

    from fundraising.services.checkout import fee_cover_pence

    def after_stripe_fees(gross: int) -> Fraction:  # 1.5% + 20p
        return gross - (Fraction(gross * 15, 1000) + 20)

    gross = amount_pence + fee_cover_pence(amount_pence)
    assert after_stripe_fees(gross) >= amount_pence
    assert after_stripe_fees(gross - 1) < amount_pence


@pytest.mark.parametrize(
    "amount",
    [
        "",
        "abc",
        "-5",
        "0.001",
        "1e9",
        "10,000",
        "£10",
        "10000.01",
        "0.99",
        "0",
        " ",
        "1.",
        ".5",
        "NaN",
        "10 000",
    ],
)
def test_bad_amounts_are_form_errors_and_nothing_is_written(
    client, stripe_double, appeal, amount
):
    response = client.post(DONATE, form_data(amount="other", other_amount=amount))
    assert response.status_code == 400
    assert response.context["form"].errors["other_amount"]
    assert not Donation.objects.exists()
    assert not Supporter.objects.exists()
    assert not stripe_double.sessions()


def test_tampered_suggested_amount_is_refused(client, stripe_double, appeal):
    response = client.post(DONATE, form_data(amount="1"))
    assert response.status_code == 400
    assert not Donation.objects.exists()


def test_largest_and_smallest_allowed_amounts_go_through(client, stripe_double, appeal):
    for amount in ("10000", "1"):
        response = client.post(DONATE, form_data(amount="other", other_amount=amount))
        assert response.status_code == 303
    assert sorted(Donation.objects.values_list("amount_pence", flat=True)) == [
        100,
        1_000_000,
    ]


def test_limits_come_from_settings(client, stripe_double, appeal, settings):
    settings.DONATION_MIN_PENCE = 500
    response = client.post(DONATE, form_data(amount="other", other_amount="4.99"))
    assert "£5" in response.context["form"].errors["other_amount"][0]


def test_honeypot_is_refused(client, stripe_double, appeal):
    response = client.post(DONATE, form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert not Donation.objects.exists()


def test_stripe_down_shows_a_message_not_a_500(client, stripe_double, appeal, settings):
    # Another donor's gift, its Checkout Session still being made.
    starting = Donation.objects.create(
        appeal=appeal, amount_pence=1000, checkout_key="another-donor"
    )
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = client.post(DONATE, form_data())
    assert response.status_code == 503
    assert "Nothing was charged" in response.content.decode()
    # Only the gift that could not start is removed.
    assert list(Donation.objects.all()) == [starting]


def test_unknown_appeal_is_404(client, stripe_double):
    assert client.get("/donate/no-such-appeal/").status_code == 404


def test_general_donate_page_works_without_an_appeal(client, stripe_double):
    response = client.post("/donate/", form_data())
    assert response.status_code == 303
    assert Donation.objects.get().appeal is None


def test_closed_appeal_takes_no_donations(client, stripe_double, appeal):
    appeal.is_open = False
    appeal.save()
    response = client.post(DONATE, form_data())
    assert "no longer taking donations" in response.content.decode()
    assert not Donation.objects.exists()


def test_cancel_page_returns_to_the_form_with_the_choices_kept(
    client, stripe_double, appeal
):
    client.post(
        DONATE, form_data(amount="other", other_amount="42", frequency="monthly")
    )
    donation = Donation.objects.get()
    session = stripe_double.state.get(donation.checkout_session_id)
    page = client.get(session["cancel_url"].replace("http://testserver", ""))
    form = page.context["form"]
    assert page.status_code == 200
    assert "nothing was charged" in page.content.decode()
    assert form.initial["other_amount"] == "42"
    assert form.initial["frequency"] == "monthly"
    assert form.initial["email"] == "grace@example.org"
    assert form.initial["checkout_key"] != donation.checkout_key  # a fresh attempt


def test_thank_you_page_reads_the_session_from_stripe(client, stripe_double, appeal):
    response = client.post(DONATE, form_data())
    donation = Donation.objects.get()
    session = stripe_double.pay(donation.checkout_session_id)
    thanks = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
    page = client.get(thanks.replace("http://testserver", ""))
    assert page.status_code == 200
    assert page.context["state"] == "paid"
    assert "£25" in page.content.decode()
    assert response.status_code == 303


def test_thank_you_page_says_processing_for_a_delayed_payment(
    client, stripe_double, appeal
):
    client.post(DONATE, form_data())
    donation = Donation.objects.get()
    stripe_double.pay(donation.checkout_session_id, "delay")
    page = client.get(f"/donate/thank-you/?session_id={donation.checkout_session_id}")
    assert page.context["state"] == "processing"


@pytest.mark.parametrize(
    "session_id",
    ["cs_test_forged", "", "x" * 5000, "../../v1/events", "<script>", "cs_"],
)
def test_forged_thank_you_url_shows_a_generic_page(
    client, stripe_double, appeal, session_id
):
    client.post(DONATE, form_data())
    page = client.get("/donate/thank-you/", {"session_id": session_id})
    assert page.status_code == 200
    assert page.context["state"] == "unknown"
    assert "£25" not in page.content.decode()


def test_thank_you_for_an_open_session_does_not_claim_payment(
    client, stripe_double, appeal
):
    client.post(DONATE, form_data())
    donation = Donation.objects.get()
    page = client.get(f"/donate/thank-you/?session_id={donation.checkout_session_id}")
    assert page.context["state"] == "unknown"


def test_hosted_checkout_page_completes_and_redirects_back(
    live_server, stripe_double, appeal, donor, settings
):
    """The stand-in hosted page, driven over HTTP, delivers signed webhooks to
    the running site's webhook URL."""
    settings.BASE_URL = live_server.url
    stripe_double.deliver_to = live_server.url + "/stripe/webhook/"
    from tests.fundraising.conftest import start_gift

    donation = start_gift(appeal, donor, 2500)
    page = requests.get(donation.checkout_url, timeout=10)
    assert "Pay (card accepted)" in page.text
    done = requests.post(
        donation.checkout_url,
        data={"action": "complete"},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 303
    assert f"session_id={donation.checkout_session_id}" in done.headers["Location"]
    assert all(status == 200 for _, status in stripe_double.deliveries)
    donation.refresh_from_db()
    assert donation.status == "succeeded"


class TestCharityMode:
    def test_gift_aid_declaration_shows_hmrc_wording(
        self, client, stripe_double, appeal, charity
    ):
        html = client.get(DONATE).content.decode()
        assert "I want to Gift Aid my donation" in html
        assert "Defend Pupil Privacy" in html
        assert "past 4 years" in html

    def test_gift_aid_needs_name_and_home_address(
        self, client, stripe_double, appeal, charity
    ):
        response = client.post(
            DONATE, form_data(gift_aid="on", first_name="", postcode="nowhere")
        )
        errors = response.context["form"].errors
        assert response.status_code == 400
        assert {"first_name", "house", "postcode"} <= set(errors)
        assert not GiftAidDeclaration.objects.exists()

    def test_gift_aid_declaration_is_recorded_and_linked(
        self, client, stripe_double, appeal, charity
    ):
        response = client.post(
            DONATE,
            form_data(
                gift_aid="on", house="12", address="High St, Leeds", postcode="ls1 4ap"
            ),
        )
        assert response.status_code == 303
        declaration = Donation.objects.get().gift_aid_declaration
        assert declaration.house == "12"
        assert declaration.address == "High St, Leeds"
        assert declaration.postcode == "LS1 4AP"
        assert declaration.last_name == "Hopper"
        assert declaration.wording_version == "2026-1"


@pytest.mark.parametrize("key", ["pledge-12-1", "", "x" * 32, "A" * 32])
def test_form_cannot_name_another_flows_checkout_key(
    client, stripe_double, appeal, key
):
    response = client.post(DONATE, form_data(checkout_key=key))
    assert response.status_code == 400
    assert not Donation.objects.exists()
