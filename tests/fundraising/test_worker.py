"""Production shape: the webhook stores the event and answers; a real Celery
worker, fed through Redis, applies it and sends the receipt."""

from __future__ import annotations

import pytest

from fundraising.models import Donation, StripeEvent
from tests.conftest import wait_for
from tests.fundraising.conftest import start_gift

pytestmark = [pytest.mark.worker, pytest.mark.services]


def test_webhook_event_is_applied_by_a_real_worker_via_redis(
    celery_worker_factory, celery_broker, stripe_double, appeal, donor, tmp_path
):
    mail_dir = tmp_path / "mail"
    worker = celery_worker_factory(extra_env={"WORKER_MAIL_DIR": str(mail_dir)})
    donation = start_gift(appeal, donor, 2500)

    stripe_double.pay(donation.checkout_session_id)

    # The web request only stored the event; the worker applies it.
    assert all(status == 200 for _, status in stripe_double.deliveries)
    assert StripeEvent.objects.filter(type="checkout.session.completed").exists()
    wait_for(
        lambda: Donation.objects.get(pk=donation.pk).status == "succeeded",
        timeout=60,
        what=f"the worker to apply the event\n{worker.log()}",
    )
    appeal.refresh_from_db()
    assert appeal.raised_pence == 2500
    files = wait_for(
        lambda: list(mail_dir.glob("*.eml")), timeout=60, what="the receipt file"
    )
    text = files[0].read_text()
    assert "To: ada@example.org" in text
    assert "Subject: Thank you for your donation" in text
    assert f"Reference: D{donation.pk:06d}" in text
    assert "fundraising.tasks.stripe_event_apply" in worker.log()
