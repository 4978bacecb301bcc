"""Sending through anymail's test backend, in-process (Celery eager)."""

from __future__ import annotations

import pytest
from anymail.exceptions import AnymailAPIError
from anymail.message import AnymailRecipientStatus
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from supporters.mailings import sending, services
from supporters.mailings.models import Delivery, Mailing
from supporters.services import suppression_add

from .conftest import make_people

pytestmark = pytest.mark.django_db


def send_now(mailing, capture):
    with capture(execute=True):
        services.mailing_send(mailing=mailing)
    mailing.refresh_from_db()
    return mailing


def test_send_snapshots_batches_and_personalises(
    anymail_outbox, settings, topic, mailing_factory, django_capture_on_commit_callbacks
):
    settings.MAILINGS_BATCH_SIZE = 3
    people = make_people(7, topic=topic)
    mailing = send_now(
        mailing_factory(topics=[topic]), django_capture_on_commit_callbacks
    )

    assert mailing.status == Mailing.Status.SENT
    assert mailing.recipients_total == 7 and mailing.sent_count == 7
    # One provider call per batch of at most MAILINGS_BATCH_SIZE.
    assert [len(m.to) for m in anymail_outbox] == [3, 3, 1]
    first = anymail_outbox[0]
    params = first.anymail_test_params
    assert params["is_batch_send"] is True
    assert params["template_id"] == settings.MAILINGS_ESP_TEMPLATE
    data = params["merge_data"][people[0].email]
    assert data["subject"] == "News for Name0"
    assert "Dear Name0, thank you" in data["html_body"]
    assert "Dear Name0, thank you" in data["text_body"]
    assert data["unsubscribe_url"].startswith("http://testserver/email/unsubscribe/")
    assert data["unsubscribe_url"] in data["html_body"]
    assert 'href="http://testserver/updates/hearing/"' in data["html_body"]
    headers = params["merge_headers"][people[0].email]
    assert headers["List-Unsubscribe"] == f"<{data['unsubscribe_url']}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert params["track_opens"] is False and params["track_clicks"] is False
    # Every row marked with the provider's message id.
    assert not Delivery.objects.exclude(status="sent").exists()
    assert not Delivery.objects.filter(provider_message_id="").exists()


def test_snapshot_is_one_insert_select(
    anymail_outbox, topic, mailing_factory, django_capture_on_commit_callbacks
):
    make_people(50, topic=topic)
    mailing = mailing_factory(topics=[topic])
    Mailing.objects.filter(pk=mailing.pk).update(status="sending")
    with CaptureQueriesContext(connection) as queries:
        services.mailing_snapshot(mailing_id=mailing.pk)
    inserts = [q["sql"] for q in queries if q["sql"].lstrip().startswith("INSERT")]
    assert len(inserts) == 1
    assert "SELECT" in inserts[0] and "ON CONFLICT" in inserts[0]
    assert Delivery.objects.filter(mailing=mailing).count() == 50
    # Running it again adds nobody (idempotent).
    services.mailing_snapshot(mailing_id=mailing.pk)
    assert Delivery.objects.filter(mailing=mailing).count() == 50


def test_suppression_is_checked_again_at_send_time(
    anymail_outbox, topic, mailing_factory
):
    people = make_people(4, topic=topic)
    mailing = mailing_factory(topics=[topic])
    Mailing.objects.filter(pk=mailing.pk).update(status="sending")
    services.mailing_snapshot(mailing_id=mailing.pk)
    suppression_add(email=people[1].email, reason="complaint")  # after snapshot
    Mailing.objects.filter(pk=mailing.pk).update(frozen_html="")
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "done"
    sent_to = {address for m in anymail_outbox for address in m.to}
    assert people[1].email not in sent_to and len(sent_to) == 3
    mailing.refresh_from_db()
    assert mailing.skipped_count == 1 and mailing.sent_count == 3


def test_double_click_on_send_sends_once(
    anymail_outbox, topic, mailing_factory, django_capture_on_commit_callbacks
):
    make_people(3, topic=topic)
    mailing = mailing_factory(topics=[topic])
    stale = Mailing.objects.get(pk=mailing.pk)  # the second click's copy
    send_now(mailing, django_capture_on_commit_callbacks)
    with pytest.raises(services.MailingError, match="not sent again"):
        services.mailing_send(mailing=stale)
    assert sum(len(m.to) for m in anymail_outbox) == 3
    assert Delivery.objects.count() == 3


def test_audience_of_nobody_is_refused_with_a_clear_message(topic, mailing_factory):
    make_people(2, topic=topic, status="unconfirmed")
    mailing = mailing_factory(topics=[topic])
    with pytest.raises(services.MailingError, match="Nobody is in this audience"):
        services.mailing_send(mailing=mailing)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"subject": ""}, "Add a subject"),
        ({"body": []}, "Add some content"),
        ({"subject": "Hi {{ frist_name }}"}, "unknown merge field {{ frist_name }}"),
        ({"subject": "Hi {{ first_name }"}, "incomplete merge field"),
    ],
)
def test_bad_mailing_is_refused_and_nothing_is_sent(
    anymail_outbox, topic, mailing_factory, fields, message
):
    make_people(2, topic=topic)
    mailing = mailing_factory(topics=[topic], **fields)
    with pytest.raises(services.MailingError) as error:
        services.mailing_send(mailing=mailing)
    assert any(message in m for m in error.value.messages)
    assert Delivery.objects.count() == 0 and anymail_outbox == []


def started(mailing):
    Mailing.objects.filter(pk=mailing.pk).update(status="sending")
    services.mailing_snapshot(mailing_id=mailing.pk)


def test_rejected_recipients_are_recorded_per_recipient(
    anymail_outbox, settings, topic, mailing_factory, monkeypatch
):
    people = make_people(3, topic=topic)
    mailing = mailing_factory(topics=[topic])
    started(mailing)
    from anymail.backends import test as test_backend

    original = test_backend.EmailBackend.post_to_esp

    def post(self, payload, message):
        response = original(self, payload, message)
        response["recipient_status"][people[2].email] = AnymailRecipientStatus(
            message_id=None, status="rejected"
        )
        return response

    monkeypatch.setattr(test_backend.EmailBackend, "post_to_esp", post)
    sending.mailing_deliver(mailing_id=mailing.pk)
    row = Delivery.objects.get(supporter=people[2])
    assert row.status == "failed" and "rejected" in row.error
    mailing.refresh_from_db()
    assert (mailing.sent_count, mailing.failed_count) == (2, 1)


def api_error(status: int) -> AnymailAPIError:
    import requests

    response = requests.Response()
    response.status_code, response.reason, response._content = status, "Error", b"{}"
    return AnymailAPIError("Provider error", status_code=status, response=response)


def _fail_with(monkeypatch, error):
    from anymail.backends import test as test_backend

    def post(self, payload, message):
        raise error

    monkeypatch.setattr(test_backend.EmailBackend, "post_to_esp", post)


def test_temporary_provider_error_puts_the_batch_back_for_a_retry(
    anymail_outbox, topic, mailing_factory, monkeypatch
):
    make_people(3, topic=topic)
    mailing = mailing_factory(topics=[topic])
    started(mailing)
    _fail_with(monkeypatch, api_error(503))
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "retry"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}
    monkeypatch.undo()
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "done"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_unknown_outcome_marks_uncertain_and_never_resends(
    anymail_outbox, topic, mailing_factory, monkeypatch
):
    make_people(3, topic=topic)
    mailing = mailing_factory(topics=[topic])
    started(mailing)
    # What anymail raises when the answer never comes: both its own error
    # and the requests exception (anymail.backends.base_requests).
    import requests
    from anymail.exceptions import AnymailRequestsAPIError

    timeout = type("Timeout", (AnymailRequestsAPIError, requests.ReadTimeout), {})
    _fail_with(monkeypatch, timeout("Read timed out"))
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "done"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"uncertain"}
    mailing.refresh_from_db()
    assert mailing.status == "sent" and mailing.uncertain_count == 3


def test_provider_refusing_the_batch_pauses_the_mailing(
    anymail_outbox, topic, mailing_factory, monkeypatch
):
    make_people(3, topic=topic)
    mailing = mailing_factory(topics=[topic])
    started(mailing)
    _fail_with(monkeypatch, api_error(401))
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "stopped"
    mailing.refresh_from_db()
    assert mailing.status == "paused" and "refused" in mailing.pause_reason
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}


def test_expired_leases_become_uncertain_and_live_ones_are_left(topic, mailing_factory):
    make_people(4, topic=topic)
    mailing = mailing_factory(topics=[topic])
    started(mailing)
    rows = list(Delivery.objects.order_by("id"))
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    Delivery.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(
        status="sending", lease_until=now - timedelta(seconds=1)
    )
    Delivery.objects.filter(pk=rows[2].pk).update(
        status="sending", lease_until=now + timedelta(minutes=5)
    )
    assert sending.deliveries_reclaim() == 2
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses[rows[0].pk] == "uncertain"  # never sent again blindly
    assert statuses[rows[2].pk] == "sending"  # its worker is still on it
    assert statuses[rows[3].pk] == "pending"
    mailing.refresh_from_db()
    assert mailing.uncertain_count == 2
    reason = Delivery.objects.get(pk=rows[0].pk).error
    assert reason == "The worker stopped during the provider call"  # staff see why


def test_reclaiming_one_mailing_leaves_another_mailings_rows_alone(
    topic, mailing_factory
):
    from datetime import timedelta

    from django.utils import timezone

    make_people(2, topic=topic)
    first, second = mailing_factory(topics=[topic]), mailing_factory(topics=[topic])
    started(first)
    started(second)
    expired = timezone.now() - timedelta(seconds=1)
    Delivery.objects.update(status="sending", lease_until=expired)

    assert sending.deliveries_reclaim(mailing_id=first.pk) == 2
    assert set(
        Delivery.objects.filter(mailing=first).values_list("status", flat=True)
    ) == {"uncertain"}
    assert set(
        Delivery.objects.filter(mailing=second).values_list("status", flat=True)
    ) == {"sending"}
    second.refresh_from_db()
    assert second.uncertain_count == 0


def test_pause_stops_workers_and_resume_finishes(
    anymail_outbox, settings, topic, mailing_factory, django_capture_on_commit_callbacks
):
    settings.MAILINGS_BATCH_SIZE = 2
    make_people(4, topic=topic)
    mailing = mailing_factory(topics=[topic])
    started(mailing)
    services.mailing_pause(mailing=mailing)
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "stopped"
    assert anymail_outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.mailing_resume(mailing=mailing)
    mailing.refresh_from_db()
    assert mailing.status == "sent" and mailing.sent_count == 4


def test_cancel_stops_the_rest(anymail_outbox, topic, mailing_factory):
    make_people(3, topic=topic)
    mailing = mailing_factory(topics=[topic])
    started(mailing)
    services.mailing_cancel(mailing=mailing)
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "stopped"
    assert anymail_outbox == []


def test_test_send_goes_to_the_staff_member_only(
    anymail_outbox,
    topic,
    mailing_factory,
    django_user_model,
    django_capture_on_commit_callbacks,
):
    make_people(3, topic=topic)
    user = django_user_model.objects.create_user(
        username="editor", email="editor@example.org", first_name="Sam"
    )
    mailing = mailing_factory(topics=[topic])
    with django_capture_on_commit_callbacks(execute=True):
        services.mailing_send_test(mailing=mailing, user=user)
    assert [m.to for m in anymail_outbox] == [["editor@example.org"]]
    data = anymail_outbox[0].anymail_test_params["merge_data"]["editor@example.org"]
    assert data["subject"] == "[Test] News for Sam"
    assert Delivery.objects.count() == 0
    mailing.refresh_from_db()
    assert mailing.status == "draft"


def test_without_a_provider_each_recipient_gets_their_own_message(
    mailoutbox, topic, mailing_factory
):
    """The demo's file/console/SMTP backends: one message per person."""
    people = make_people(3, topic=topic)
    mailing = mailing_factory(topics=[topic])
    started(mailing)
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "done"
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    message = next(m for m in mailoutbox if m.to == [people[0].email])
    assert message.subject == "News for Name0"
    assert (
        message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )
    assert "Dear Name0" in message.body
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_supporter_erased_after_the_snapshot_is_skipped(
    anymail_outbox, topic, mailing_factory
):
    people = make_people(3, topic=topic)
    mailing = mailing_factory(topics=[topic])
    started(mailing)
    people[0].delete()  # erased between snapshot and send
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "done"
    assert sum(len(m.to) for m in anymail_outbox) == 2
    mailing.refresh_from_db()
    assert (mailing.sent_count, mailing.skipped_count) == (2, 1)


def test_a_claim_racing_another_claim_never_sends_the_same_row_twice(
    anymail_outbox, topic, mailing_factory, monkeypatch, settings
):
    """Between one claimer's SELECT and its UPDATE another claimer takes
    the same rows (possible on SQLite, which has no SKIP LOCKED): the
    conditional UPDATE gives each row to exactly one of them."""
    settings.MAILINGS_BATCH_SIZE = 10
    make_people(4, topic=topic)
    mailing = mailing_factory(topics=[topic])
    with transaction.atomic():
        Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENDING)
    services.mailing_snapshot(mailing_id=mailing.pk)
    mailing.refresh_from_db()

    real = sending._still_wanted
    competitor = {}

    def interleaved(mailing_, rows):
        if "started" not in competitor:
            competitor["started"] = True
            competitor["claim"] = sending._claim(mailing_)  # runs in between
        return real(mailing_, rows)

    monkeypatch.setattr(sending, "_still_wanted", interleaved)
    _token, _locked, mine = sending._claim(mailing)
    _other_token, _other_locked, theirs = competitor["claim"]
    mine_ids = {r["id"] for r in mine}
    their_ids = {r["id"] for r in theirs}
    assert mine_ids.isdisjoint(their_ids)
    assert len(mine_ids | their_ids) == 4
    assert Delivery.objects.filter(status="sending").count() == 4


def test_a_new_mailing_that_reuses_a_deleted_ones_id_sends_its_own_content(
    mailoutbox, topic, mailing_factory
):
    """SQLite gives a new row the id of a deleted newest one; the sender's
    per-process content cache must not hand it the old mailing's words."""
    people = make_people(1, topic=topic)
    old = mailing_factory(topics=[topic], subject="Old news for {{ first_name }}")
    started(old)
    assert sending.mailing_deliver(mailing_id=old.pk) == "done"
    reused_id = old.pk
    old.delete()
    new = mailing_factory(
        topics=[topic], subject="Fresh news for {{ first_name }}", pk=reused_id
    )
    mailoutbox.clear()
    started(new)
    assert sending.mailing_deliver(mailing_id=new.pk) == "done"
    assert [m.subject for m in mailoutbox] == [f"Fresh news for {people[0].first_name}"]


def test_leaving_the_mailings_list_after_the_snapshot_skips_only_that_mailing(
    anymail_outbox, topic, mailing_factory
):
    """Consent is read again per list at send time: someone who left this
    mailing's list (while still on another) is skipped, and a second
    mailing going out at the same time keeps its own counters and rows."""
    from supporters.models import Subscription, Topic

    other_list = Topic.objects.create(name="Events", slug="events-list")
    people = make_people(3, topic=topic)
    Subscription.objects.create(
        supporter=people[0], topic=other_list, status="confirmed"
    )
    news = mailing_factory(topics=[topic], subject="News for {{ first_name }}")
    events = mailing_factory(topics=[other_list], subject="Events")
    for mailing in (news, events):
        started(mailing)
    Subscription.objects.filter(supporter=people[0], topic=topic).update(
        status="unsubscribed"
    )

    assert sending.mailing_deliver(mailing_id=news.pk) == "done"
    news.refresh_from_db()
    events.refresh_from_db()
    sent_news = {address for m in anymail_outbox for address in m.to}
    assert people[0].email not in sent_news and len(sent_news) == 2
    assert (news.status, news.sent_count, news.skipped_count) == ("sent", 2, 1)
    assert news.finished_at is not None
    # The events mailing was not touched by the news one.
    assert (events.status, events.sent_count, events.skipped_count) == (
        "sending",
        0,
        0,
    )
    assert events.finished_at is None
    assert set(
        Delivery.objects.filter(mailing=events).values_list("status", flat=True)
    ) == {"pending"}

    assert sending.mailing_deliver(mailing_id=events.pk) == "done"
    events.refresh_from_db()
    assert (events.status, events.sent_count) == ("sent", 1)  # still on Events
