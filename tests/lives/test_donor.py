"""A donor's life: a first attempt abandoned at Checkout, a gift with Gift
Aid, joining the list on the charity soft opt-in, and erasure."""

from __future__ import annotations

import pytest

from fundraising.models import Donation, GiftAidDeclaration, StripeEvent
from supporters.models import ConsentRecord, Subscription, Supporter
from supporters.services import is_suppressed
from tests.fundraising.conftest import form_data

from .helpers import link, preferences_path

pytestmark = pytest.mark.django_db
DONATE = "/donate/judicial-review/"
GIFT_AID = {"gift_aid": "on", "house": "12", "postcode": "NW1 1AA"}


def test_a_donor_from_first_gift_to_erasure(
    client,
    stripe_double,
    appeal,
    topics,
    charity,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    # 1. Ticks Gift Aid, reaches Stripe's page, walks away. Stripe closes the
    #    session a day later: nothing is pending any more, nobody is mailed.
    client.post(DONATE, form_data(**GIFT_AID))
    person = Supporter.objects.get(email="grace@example.org")
    abandoned = person.donations.get()
    stripe_double.state.checkout_expire(abandoned.checkout_session_id)
    stripe_double.deliver_pending()
    abandoned.refresh_from_db()
    assert abandoned.status == "expired"
    assert not person.subscriptions.exists() and mailoutbox == []

    # 2. Comes back under another name (the stored one stays) and pays.
    client.post(DONATE, form_data(first_name="Mallory", amount="5000", **GIFT_AID))
    gift = person.donations.exclude(pk=abandoned.pk).get()
    stripe_double.pay(gift.checkout_session_id)
    person.refresh_from_db()
    assert person.first_name == "Grace"
    [receipt] = mailoutbox
    assert "Thank you for your" in receipt.subject and "£50" in receipt.body
    appeal.refresh_from_db()
    assert (appeal.raised_pence, appeal.donor_count) == (5000, 1)
    #    Charity mode, no "rather not": the soft opt-in, on the public lists.
    assert ConsentRecord.objects.get(supporter=person).lawful_basis == "soft_opt_in"
    assert set(person.subscriptions.values_list("status", flat=True)) == {"confirmed"}
    assert GiftAidDeclaration.objects.count() == 2

    # 3. Asks to be erased from the preference link; confirms by email.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(preferences_path(person), {"action": "erase"})
    erase = link(mailoutbox[-1], "my-data/delete")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(erase)
    assert b"Your data is deleted" in page.content

    # Forgotten, never mailed again; the money and HMRC's record remain.
    assert not Supporter.objects.exists()
    assert not Subscription.objects.exists() and not ConsentRecord.objects.exists()
    assert is_suppressed("grace@example.org")
    assert list(Donation.objects.values_list("status", "supporter")) == [
        ("succeeded", None),
        ("expired", None),
    ]
    [kept] = GiftAidDeclaration.objects.all()  # the unused one is gone
    assert kept.donations.get().pk == gift.pk and kept.supporter is None
    appeal.refresh_from_db()
    assert (appeal.raised_pence, appeal.donor_count) == (5000, 1)
    assert not any(
        "grace@example.org" in str(e.payload)
        for e in StripeEvent.objects.filter(payment_intent_id=gift.payment_intent_id)
    )
