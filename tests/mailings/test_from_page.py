""" "Send this update by email": a draft mailing from a published update page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page

from campaign.models import UpdatePage
from supporters.mailings.models import Mailing

pytestmark = pytest.mark.django_db


@pytest.fixture
def update(db):
    # A transactional test elsewhere may have flushed the migrations' data.
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    page = UpdatePage(
        title="The hearing is set",
        slug="mailings-hearing",
        standfirst="The court will hear our case in June.",
        body=[
            {"type": "heading", "value": {"text": "What happens next", "level": "h2"}},
            {"type": "paragraph", "value": "<p>We go to court.</p>"},
        ],
    )
    root.add_child(instance=page)
    return page


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="ed", email="ed@example.org", password="x" * 12
    )
    client.force_login(user)
    return client


def test_update_page_offers_the_button_and_makes_a_draft(staff, update):
    edit = staff.get(reverse("wagtailadmin_pages:edit", args=[update.pk]))
    url = reverse("mailings:from_page", args=[update.pk])
    assert url.encode() in edit.content
    assert staff.get(url).status_code == 200  # a confirmation, nothing made yet
    assert not Mailing.objects.exists()
    response = staff.post(url)
    mailing = Mailing.objects.get()
    assert response["Location"] == reverse("mailings:status", args=[mailing.pk])
    assert mailing.status == "draft"
    assert mailing.subject == "The hearing is set"
    assert mailing.preheader == "The court will hear our case in June."
    assert [b.block_type for b in mailing.body] == ["heading", "paragraph"]
    assert mailing.source_page_id == update.pk


def test_unpublished_update_cannot_be_mailed(staff, update):
    update.unpublish()
    response = staff.post(reverse("mailings:from_page", args=[update.pk]))
    assert response.status_code == 302
    assert not Mailing.objects.exists()
