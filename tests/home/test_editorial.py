"""Editors write and submit; Approvers publish; neither reaches other data.

Other apps' admin areas are found from Wagtail's viewset registry, so an area
added later is covered without editing this file. EXTRA_CLOSED_URLS is for
admin views that are not viewsets.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse
from wagtail.admin.viewsets import viewsets
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Workflow, WorkflowState

from campaign import factories
from campaign.models import CampaignPage
from fundraising.ledger.models import SurplusPolicy
from home.editorial import (
    APPROVERS,
    EDITORS,
    WORKFLOW_NAME,
    editorial_setup_ensure,
)
from home.models import HomePage

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# Admin views that are not registered viewsets. Other apps add theirs here.
EXTRA_CLOSED_URLS = [
    "/admin/settings/home/sitesettings/",
    "/admin/users/",
    "/admin/groups/",
    "/admin/workflows/list/",
    "/admin/sites/",
    "/admin/redirects/",
]


@pytest.fixture
def editorial():
    return editorial_setup_ensure(site_root=HomePage.objects.get())


def member_of(group_name: str, username: str):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "a long test password"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(editorial):
    return member_of(EDITORS, "ed")


@pytest.fixture
def approver(editorial):
    return member_of(APPROVERS, "ann")


def login(client, user):
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def test_setup_is_idempotent_and_assigns_the_workflow_to_the_site(editorial):
    again = editorial_setup_ensure(site_root=HomePage.objects.get())
    assert again.pk == editorial.pk
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    assert Group.objects.filter(name__in=[EDITORS, APPROVERS]).count() == 2
    home = HomePage.objects.get()
    assert home.get_workflow() == editorial
    campaign = factories.campaign_page_create()
    assert campaign.get_workflow() == editorial


def test_editors_can_edit_but_not_publish_approvers_can_publish(editor, approver):
    campaign = factories.campaign_page_create()
    editor_perms = campaign.permissions_for_user(editor)
    assert editor_perms.can_edit() and not editor_perms.can_publish()
    approver_perms = campaign.permissions_for_user(approver)
    assert approver_perms.can_edit() and approver_perms.can_publish()


def test_editor_submits_and_an_approver_publishes(client, editor, approver):
    home = HomePage.objects.get()
    add_url = reverse(
        "wagtailadmin_pages:add", args=["campaign", "campaignpage", home.pk]
    )
    data = factories.campaign_page_form_data(slug="labels")
    # An editor trying to publish only gets a draft.
    login(client, editor).post(add_url, data | {"action-publish": "action-publish"})
    page = CampaignPage.objects.get(slug="labels")
    assert not page.live

    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.post(edit_url, data | {"action-submit": "Submit"})
    assert response.status_code == 302
    page.refresh_from_db()
    state = page.current_workflow_state
    assert state is not None
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not page.live

    task_state = state.current_task_state
    approve_url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "approve", task_state.pk],
    )
    # The editor cannot approve their own submission.
    client.post(approve_url, {"comment": ""})
    page.refresh_from_db()
    assert not page.live

    client.logout()
    login(client, approver)
    response = client.post(approve_url, {"comment": "Checked with the lawyers"})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert client.get(page.url).status_code == 200


def _png(width=40, height=30) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def test_editors_can_upload_and_choose_images_and_documents(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, editor)
    image_upload = SimpleUploadedFile("rally.png", _png(), content_type="image/png")
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Rally outside the DfE", "file": image_upload},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="Rally outside the DfE")
    assert (image.width, image.height) == (40, 30)
    assert image.uploaded_by_user == editor

    pdf = SimpleUploadedFile(
        "briefing.pdf",
        b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        content_type="application/pdf",
    )
    response = client.post(
        reverse("wagtaildocs:add"), {"title": "Pre-action letter", "file": pdf}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = get_document_model().objects.get(title="Pre-action letter")
    assert document.file.name.endswith(".pdf")

    # Both show in the listings and in the choosers editors use on pages.
    assert (
        "Rally outside the DfE"
        in client.get(reverse("wagtailimages:index")).content.decode()
    )
    assert (
        "Pre-action letter" in client.get(reverse("wagtaildocs:index")).content.decode()
    )
    chooser = client.get(reverse("wagtailimages_chooser:choose")).content.decode()
    assert "Rally outside the DfE" in chooser
    chooser = client.get(reverse("wagtaildocs_chooser:choose")).content.decode()
    assert "Pre-action letter" in chooser
    chosen = client.get(reverse("wagtailimages_chooser:chosen", args=[image.pk]))
    assert str(chosen.json()["result"]["id"]) == str(image.pk)


# Editors write the surplus policy of an appeal (public text, no money).
EDITOR_MODELS = {get_image_model(), get_document_model(), SurplusPolicy}


def closed_admin_urls() -> list[str]:
    """Index URLs of every admin area that is not about pages, images or
    documents (other apps' data: supporters, donations, mailings...)."""
    urls = list(EXTRA_CLOSED_URLS)
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if not isinstance(model, type):
            continue
        if model in EDITOR_MODELS or issubclass(model, Page):
            continue
        try:
            urls.append(reverse(viewset.get_url_name("index")))
        except (NoReverseMatch, AttributeError):
            continue
    return sorted(set(urls))


def test_editors_and_approvers_get_no_other_admin_area(client, editor, approver):
    urls = closed_admin_urls()
    assert "/admin/users/" in urls
    for user in (editor, approver):
        login(client, user)
        assert client.get("/admin/").status_code == 200  # they do reach the admin
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403), (user.username, url)
        client.logout()
