"""A confirmation email really goes out through Redis and a Celery worker."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from supporters.models import EmailMessageLog, Topic
from tests.conftest import wait_for

from .conftest import form_data

pytestmark = [pytest.mark.worker, pytest.mark.services]


def test_signup_confirmation_is_sent_by_a_real_worker_via_redis(
    celery_worker_factory, celery_broker, client, tmp_path
):
    mail_dir = tmp_path / "mail"
    worker = celery_worker_factory(extra_env={"WORKER_MAIL_DIR": str(mail_dir)})
    Topic.objects.get_or_create(slug="campaign-updates", defaults={"name": "Updates"})
    cache.clear()
    response = client.post(
        "/signup/", form_data(email="worker.test@example.org", consent="on")
    )
    assert response.status_code == 302
    log = EmailMessageLog.objects.get()
    sent = wait_for(
        lambda: EmailMessageLog.objects.filter(pk=log.pk, status="sent").exists(),
        timeout=60,
        what=f"the worker to send the email\n{worker.log()}",
    )
    assert sent
    files = wait_for(lambda: list(mail_dir.glob("*.eml")), what="the mail file")
    text = files[0].read_text()
    assert "To: worker.test@example.org" in text
    assert "Subject: Please confirm your email address" in text
    assert "/signup/confirm/" in text
    assert "supporters.tasks.email_send" in worker.log()
