"""Staff actions on a mailing's status page, through the admin's real URLs:
pause, resume, cancel, schedule, test send, resend the uncertain ones, edit,
and what each says when it does not apply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from supporters.mailings import sending, services
from supporters.mailings.models import Delivery, Mailing
from supporters.models import Subscription

from .conftest import make_people
from .test_admin import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser(
        username="staff", email="staff@example.org", password="x" * 12, first_name="Ali"
    )


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Tasks enqueued after commit run (Celery is eager in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def post(staff, name, mailing, data=None):
    """Press a status-page button; return the page it lands on."""
    response = staff.post(reverse(f"mailings:{name}", args=[mailing.pk]), data or {})
    assert response.status_code == 302
    assert response["Location"] == reverse("mailings:status", args=[mailing.pk])
    page = staff.get(response["Location"])
    assert page.status_code == 200
    mailing.refresh_from_db()
    return page.content.decode()


def sending_with_snapshot(mailing):
    Mailing.objects.filter(pk=mailing.pk).update(status="sending")
    services.mailing_snapshot(mailing_id=mailing.pk)
    mailing.refresh_from_db()
    return mailing


def recipients(outbox):
    return sorted(address for message in outbox for address in message.to)


def test_staff_pause_a_sending_mailing_and_resume_it_and_everyone_gets_it_once(
    staff, topic, mailing_factory, anymail_outbox, run_tasks
):
    people = make_people(3, topic=topic)
    mailing = sending_with_snapshot(mailing_factory(topics=[topic]))

    page = post(staff, "pause", mailing)
    assert "Paused." in page
    assert (mailing.status, mailing.pause_reason) == ("paused", "Paused by staff")
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "stopped"
    assert anymail_outbox == []

    with run_tasks():
        page = post(staff, "resume", mailing)
    assert "Resumed." in page
    mailing.refresh_from_db()
    assert (mailing.status, mailing.sent_count) == ("sent", 3)
    assert recipients(anymail_outbox) == sorted(p.email for p in people)


def test_resuming_a_mailing_paused_before_its_snapshot_takes_it_then_sends(
    staff, topic, mailing_factory, anymail_outbox, run_tasks
):
    make_people(2, topic=topic)
    mailing = mailing_factory(topics=[topic])
    Mailing.objects.filter(pk=mailing.pk).update(status="paused")

    with run_tasks():
        page = post(staff, "resume", mailing)
    assert "Resumed." in page
    mailing.refresh_from_db()
    assert mailing.snapshot_at is not None
    assert (mailing.status, mailing.recipients_total, mailing.sent_count) == (
        "sent",
        2,
        2,
    )
    assert Delivery.objects.filter(mailing=mailing, status="sent").count() == 2


def test_pause_resume_and_cancel_of_a_draft_are_refused_with_a_reason(
    staff, topic, mailing_factory
):
    make_people(1, topic=topic)
    mailing = mailing_factory(topics=[topic])

    assert "Only a mailing that is sending can be paused." in post(
        staff, "pause", mailing
    )
    assert "Only a paused mailing can be resumed." in post(staff, "resume", mailing)
    assert "Only a scheduled, sending or paused mailing can be cancelled." in post(
        staff, "cancel", mailing
    )
    assert mailing.status == "draft" and mailing.finished_at is None


def test_cancelling_a_sending_mailing_sends_nobody_else(
    staff, topic, mailing_factory, anymail_outbox
):
    make_people(3, topic=topic)
    mailing = sending_with_snapshot(mailing_factory(topics=[topic]))

    assert "Cancelled." in post(staff, "cancel", mailing)
    assert mailing.status == "cancelled" and mailing.finished_at is not None
    assert sending.mailing_deliver(mailing_id=mailing.pk) == "stopped"
    assert anymail_outbox == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}


def test_staff_schedule_a_draft_for_a_future_uk_time(staff, topic, mailing_factory):
    make_people(1, topic=topic)
    mailing = mailing_factory(topics=[topic])

    page = post(staff, "schedule", mailing, {"when": "2099-07-01T09:30"})
    assert "Scheduled." in page
    assert mailing.status == "scheduled"
    # 09:30 in London in July is 08:30 UTC (British Summer Time).
    assert mailing.scheduled_at == datetime(2099, 7, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "when, message",
    [
        ("2001-01-01T09:00", "Choose a time in the future."),
        ("next tuesday", "Enter a valid date/time."),
        ("", "This field is required."),
    ],
)
def test_a_past_or_unreadable_schedule_time_is_refused_and_leaves_a_draft(
    staff, topic, mailing_factory, when, message
):
    make_people(1, topic=topic)
    mailing = mailing_factory(topics=[topic])

    assert message in post(staff, "schedule", mailing, {"when": when})
    assert mailing.status == "draft" and mailing.scheduled_at is None


def test_a_mailing_already_sending_cannot_be_scheduled(staff, topic, mailing_factory):
    make_people(1, topic=topic)
    mailing = sending_with_snapshot(mailing_factory(topics=[topic]))

    assert "Only a draft can be scheduled." in post(
        staff, "schedule", mailing, {"when": "2099-07-01T09:30"}
    )
    assert mailing.status == "sending" and mailing.scheduled_at is None


def test_test_send_button_mails_the_staff_member_only(
    staff, topic, mailing_factory, anymail_outbox, run_tasks
):
    make_people(2, topic=topic)
    mailing = mailing_factory(topics=[topic])

    with run_tasks():
        page = post(staff, "send_test", mailing)
    assert "A test is on its way to staff@example.org." in page
    assert [m.to for m in anymail_outbox] == [["staff@example.org"]]
    merge = anymail_outbox[0].anymail_test_params["merge_data"]["staff@example.org"]
    assert merge["subject"] == "[Test] News for Ali"
    assert mailing.status == "draft" and not Delivery.objects.exists()


def test_test_send_is_refused_when_the_mailing_has_problems_or_staff_no_address(
    staff, staff_user, topic, mailing_factory, anymail_outbox, run_tasks
):
    broken = mailing_factory(topics=[topic], subject="Hello {{ frist_name }}")
    with run_tasks():
        page = post(staff, "send_test", broken)
    assert "unknown merge field {{ frist_name }}" in page

    staff_user.email = ""
    staff_user.save()
    fine = mailing_factory(topics=[topic])
    with run_tasks():
        page = post(staff, "send_test", fine)
    assert "Your account has no email address to send the test to." in page
    assert anymail_outbox == []


def test_a_test_send_for_a_mailing_deleted_meanwhile_sends_nothing(
    staff_user, topic, mailing_factory, anymail_outbox
):
    mailing = mailing_factory(topics=[topic])
    pk = mailing.pk
    mailing.delete()
    assert services.mailing_test_deliver(mailing_id=pk, user_id=staff_user.pk) == (
        "gone"
    )
    assert anymail_outbox == []


def test_resending_the_uncertain_ones_sends_them_again_and_finishes(
    staff, topic, mailing_factory, anymail_outbox, run_tasks
):
    people = make_people(3, topic=topic)
    mailing = sending_with_snapshot(mailing_factory(topics=[topic]))
    Delivery.objects.filter(supporter=people[0]).update(status="uncertain")
    Delivery.objects.exclude(supporter=people[0]).update(status="sent")
    Mailing.objects.filter(pk=mailing.pk).update(
        status="sent", sent_count=2, uncertain_count=1, finished_at=timezone.now()
    )

    with run_tasks():
        page = post(staff, "resend_uncertain", mailing)
    assert "The uncertain deliveries are queued again." in page
    assert recipients(anymail_outbox) == [people[0].email]
    mailing.refresh_from_db()
    assert (mailing.status, mailing.sent_count, mailing.uncertain_count) == (
        "sent",
        3,
        0,
    )


def test_resending_when_nothing_is_uncertain_says_so_and_sends_nothing(
    staff, topic, mailing_factory, anymail_outbox, run_tasks
):
    make_people(2, topic=topic)
    mailing = sending_with_snapshot(mailing_factory(topics=[topic]))
    Delivery.objects.update(status="sent")
    Mailing.objects.filter(pk=mailing.pk).update(status="sent", sent_count=2)

    with run_tasks():
        page = post(staff, "resend_uncertain", mailing)
    assert "There are no uncertain deliveries to resend." in page
    assert anymail_outbox == [] and mailing.status == "sent"


def test_staff_edit_a_draft_and_land_on_its_status_page(staff, topic, mailing_factory):
    mailing = mailing_factory(topics=[topic])
    response = staff.post(
        reverse("mailings:edit", args=[mailing.pk]),
        form_data(topic, subject="Hearing moved", paragraph="Hi {{ first_name }}"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mailings:status", args=[mailing.pk])
    mailing.refresh_from_db()
    assert mailing.subject == "Hearing moved"
    assert mailing.status == "draft"


def test_preview_of_a_sent_mailing_shows_what_went_out_and_broken_draft_says_fix(
    staff, topic, mailing_factory
):
    make_people(1, topic=topic)
    sent = sending_with_snapshot(mailing_factory(topics=[topic]))
    Mailing.objects.filter(pk=sent.pk).update(status="sent")
    page = staff.get(reverse("mailings:preview", args=[sent.pk]))
    assert page.status_code == 200
    assert "Dear Ali, thank you" in page.content.decode()

    broken = mailing_factory(topics=[topic], subject="Hi {{ frist_name }}")
    framed = staff.get(reverse("mailings:preview_html", args=[broken.pk]))
    assert framed.status_code == 200
    assert framed.content == b"Fix the problems listed to see the preview."


def test_staff_without_the_mailings_right_cannot_open_a_mailing(
    client, django_user_model, mailing_factory
):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username="viewer", password="x" * 12)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    mailing = mailing_factory(subject="Secret plans")
    for name in ("status", "preview", "progress"):
        response = client.get(reverse(f"mailings:{name}", args=[mailing.pk]))
        assert (response.status_code, response.get("Location")) in {
            (403, None),
            (302, "/admin/"),
        }
        assert b"Secret plans" not in response.content


def test_a_snapshot_that_finds_nobody_left_finishes_the_mailing_as_sent(
    topic, mailing_factory, anymail_outbox, run_tasks
):
    """Everyone unsubscribed between the send click and the snapshot."""
    make_people(2, topic=topic)
    mailing = mailing_factory(topics=[topic])
    with run_tasks():
        services.mailing_send(mailing=mailing)
        Subscription.objects.update(status="unsubscribed")
    mailing.refresh_from_db()
    assert (mailing.status, mailing.recipients_total) == ("sent", 0)
    assert anymail_outbox == [] and not Delivery.objects.exists()


def test_a_snapshot_of_a_cancelled_or_deleted_mailing_writes_nothing(
    topic, mailing_factory
):
    make_people(2, topic=topic)
    mailing = mailing_factory(topics=[topic], status="cancelled")
    assert services.mailing_snapshot(mailing_id=mailing.pk) == 0
    assert services.mailing_snapshot(mailing_id=mailing.pk + 1000) == 0
    assert not Delivery.objects.exists()


def test_sweep_pauses_a_scheduled_mailing_that_cannot_start_and_says_why(
    topic, mailing_factory, anymail_outbox, run_tasks, monkeypatch
):
    make_people(1, topic=topic)
    mailing = mailing_factory(topics=[topic])
    services.mailing_schedule(mailing=mailing, when=timezone.now() + timedelta(hours=1))
    Mailing.objects.filter(pk=mailing.pk).update(
        scheduled_at=timezone.now() - timedelta(minutes=1)
    )

    def broken_template(*, mailing):
        raise RuntimeError("template missing")

    monkeypatch.setattr(services, "mailing_compile", broken_template)
    with run_tasks():
        services.mailings_sweep()
    mailing.refresh_from_db()
    assert mailing.status == "paused"
    assert mailing.pause_reason == "Could not start at the scheduled time"
    assert anymail_outbox == []


def test_sweep_retakes_a_snapshot_that_never_happened_and_sends(
    topic, mailing_factory, anymail_outbox, run_tasks
):
    people = make_people(2, topic=topic)
    mailing = mailing_factory(topics=[topic])
    Mailing.objects.filter(pk=mailing.pk).update(
        status="sending", started_at=timezone.now() - timedelta(minutes=5)
    )
    with run_tasks():
        services.mailings_sweep()
    mailing.refresh_from_db()
    assert (mailing.status, mailing.sent_count) == ("sent", 2)
    assert recipients(anymail_outbox) == sorted(p.email for p in people)


def test_sweep_wakes_a_quiet_mailing_and_finishes_a_done_one(
    topic, mailing_factory, anymail_outbox, run_tasks
):
    people = make_people(2, topic=topic)
    quiet = sending_with_snapshot(mailing_factory(topics=[topic]))
    done = mailing_factory(topics=[topic])
    Mailing.objects.filter(pk=done.pk).update(
        status="sending", snapshot_at=timezone.now(), recipients_total=0
    )
    with run_tasks():
        services.mailings_sweep()
    quiet.refresh_from_db()
    done.refresh_from_db()
    assert (quiet.status, quiet.sent_count) == ("sent", 2)
    assert recipients(anymail_outbox) == sorted(p.email for p in people)
    assert done.status == "sent" and done.finished_at is not None


@pytest.mark.parametrize("sent, stalled", [(3, False), (1, True)])
def test_a_quiet_sending_mailing_is_shown_stalled_only_with_rows_left(
    staff, topic, mailing_factory, sent, stalled
):
    """Its last batch was two hours ago. With every row done it is finishing,
    not stuck, so the status page offers no "start again"; with rows left
    it says nothing has happened."""
    mailing = mailing_factory(topics=[topic])
    long_ago = timezone.now() - timedelta(hours=2)
    Mailing.objects.filter(pk=mailing.pk).update(
        status="sending",
        started_at=long_ago,
        snapshot_at=long_ago,
        last_batch_at=long_ago,
        recipients_total=3,
        sent_count=sent,
    )
    page = staff.get(reverse("mailings:status", args=[mailing.pk])).content.decode()
    assert ("data-mailing-stalled" in page) is stalled
    assert ("Nothing has happened for" in page) is stalled
    progress = staff.get(reverse("mailings:progress", args=[mailing.pk])).json()
    assert (progress["stalled_minutes"] is not None) is stalled
