"""The mailings admin: compose, status, preview, progress, send, edit locks."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from supporters.mailings.models import Delivery, Mailing

from .conftest import make_people

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mailings"


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="staff", email="staff@example.org", password="x" * 12, first_name="Ali"
    )
    client.force_login(user)
    return client


def form_data(topic, subject="Hearing news", paragraph="Hello {{ first_name }}"):
    return nested_form_data(
        {
            "subject": subject,
            "preheader": "",
            "from_name": "",
            "body": streamfield([("paragraph", rich_text(paragraph))]),
            "topics": [topic.pk],
            "segment_match": "any",
        }
    )


def test_staff_compose_a_mailing_and_land_on_its_status_page(staff, topic):
    make_people(3, topic=topic)
    response = staff.post(reverse("mailings:add"), form_data(topic))
    mailing = Mailing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mailings:status", args=[mailing.pk])
    page = staff.get(response["Location"])
    assert page.status_code == 200
    assert b"data-audience-count>3<" in page.content
    assert mailing.body[0].block_type == "paragraph"


def test_broken_merge_field_in_the_body_gets_a_clear_message(staff, topic):
    response = staff.post(
        reverse("mailings:add"), form_data(topic, paragraph="Hi {{ frist_name }}")
    )
    assert response.status_code == 200
    assert b"unknown merge field {{ frist_name }}" in response.content
    assert not Mailing.objects.exists()


def test_empty_subject_is_refused_by_the_form(staff, topic):
    response = staff.post(reverse("mailings:add"), form_data(topic, subject="  "))
    assert response.status_code == 200
    assert not Mailing.objects.exists()


def test_preview_shows_desktop_phone_and_plain_text(staff, topic, mailing_factory):
    mailing = mailing_factory(topics=[topic])
    page = staff.get(reverse("mailings:preview", args=[mailing.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<iframe") == 2
    assert "mailing-preview--phone" in html and "mailing-preview--desktop" in html
    assert "Dear Ali, thank you" in html  # the plain-text part, personalised
    framed = staff.get(reverse("mailings:preview_html", args=[mailing.pk]))
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert b"Dear Ali, thank you" in framed.content


def test_double_click_on_send_sends_once_and_never_errors(
    staff, topic, mailing_factory, anymail_outbox, django_capture_on_commit_callbacks
):
    make_people(4, topic=topic)
    mailing = mailing_factory(topics=[topic])
    url = reverse("mailings:send", args=[mailing.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = staff.post(url)
        second = staff.post(url, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert b"it was not sent again" in second.content
    assert Delivery.objects.count() == 4
    assert sum(len(m.to) for m in anymail_outbox) == 4


def test_editing_while_sending_is_refused_and_changes_nothing(
    staff, topic, mailing_factory
):
    make_people(2, topic=topic)
    mailing = mailing_factory(topics=[topic])
    edit_url = reverse("mailings:edit", args=[mailing.pk])
    assert staff.get(edit_url).status_code == 200  # a draft opens in the editor
    Mailing.objects.filter(pk=mailing.pk).update(status="sending")  # sent meanwhile
    response = staff.post(edit_url, form_data(topic, subject="Changed"), follow=True)
    assert response.status_code == 200
    mailing.refresh_from_db()
    assert mailing.subject == "News for {{ first_name }}"
    assert mailing.status == "sending"
    assert b"can no longer be edited" in response.content


def test_form_save_racing_a_send_keeps_the_sending_status(
    staff, topic, mailing_factory
):
    """The form never writes status: a save after the click cannot undo it."""
    from supporters.mailings.forms import MailingForm, MailingLocked

    mailing = mailing_factory(topics=[topic])
    form = MailingForm(data=form_data(topic, subject="Changed"), instance=mailing)
    assert form.is_valid(), form.errors
    Mailing.objects.filter(pk=mailing.pk).update(status="sending")
    with pytest.raises(MailingLocked):
        form.save()
    mailing.refresh_from_db()
    assert (mailing.status, mailing.subject) == ("sending", "News for {{ first_name }}")


def test_progress_endpoint_reports_counters(staff, topic, mailing_factory):
    mailing = mailing_factory(topics=[topic])
    Mailing.objects.filter(pk=mailing.pk).update(
        status="sending", recipients_total=10, sent_count=4, failed_count=1
    )
    data = staff.get(reverse("mailings:progress", args=[mailing.pk])).json()
    assert data["total"] == 10 and data["processed"] == 5 and data["percent"] == 50.0
    assert {"delivered", "bounced", "complained", "unsubscribed"} <= set(data)


def test_status_page_queries_do_not_grow_with_recipients(
    staff, topic, mailing_factory, django_assert_max_num_queries
):
    small = mailing_factory(topics=[topic])
    make_people(100, topic=topic)
    big = mailing_factory(topics=[topic])
    for mailing, count in ((small, 1), (big, 100)):
        Mailing.objects.filter(pk=mailing.pk).update(
            status="sent", recipients_total=count, sent_count=count
        )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for mailing in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert (
                staff.get(reverse("mailings:status", args=[mailing.pk])).status_code
                == 200
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_status_page_uses_a_static_script_and_no_inline_script(
    staff, topic, mailing_factory
):
    mailing = mailing_factory(topics=[topic])
    Mailing.objects.filter(pk=mailing.pk).update(status="sending")
    page = staff.get(reverse("mailings:status", args=[mailing.pk])).content.decode()
    assert 'src="/static/mailings/progress.js"' in page
    for name in ("status.html", "preview.html"):
        source = (TEMPLATES / name).read_text()
        assert "<script>" not in source and "style=" not in source


def test_sending_needs_the_send_permission(client, django_user_model, mailing_factory):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username="ed", password="x" * 12)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_mailing"),
    )
    client.force_login(user)
    mailing = mailing_factory()
    response = client.post(reverse("mailings:send", args=[mailing.pk]))
    # Wagtail turns PermissionDenied into "back to the dashboard" with a message.
    assert (response.status_code, response.get("Location")) in {
        (403, None),
        (302, "/admin/"),
    }
    mailing.refresh_from_db()
    assert mailing.status == "draft"


def test_send_permission_appears_in_wagtails_group_editor(staff):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Mailing editors")
    page = staff.get(reverse("wagtailusers_groups:edit", args=[group.pk]))
    assert page.status_code == 200
    assert b"Can send, schedule, pause and cancel mailings" in page.content
