"""Editors build every page type in the Wagtail admin; bad input is refused
with a clear message and nothing is saved."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    streamfield,
)

from campaign import factories
from campaign.blocks import ALT_TEXT_MISSING
from campaign.models import (
    BriefingsPage,
    CampaignPage,
    UpdateIndexPage,
    UpdatePage,
)
from home.models import HomePage, StandardPage

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class ModelBackendClient(Client):
    """force_login would otherwise pick django-axes' backend (first in
    AUTHENTICATION_BACKENDS), which cannot load users from a session."""

    def force_login(self, user, backend=None):
        if backend is None or backend.startswith("axes."):
            backend = MODEL_BACKEND
        super().force_login(user, backend=backend)


class AdminTestCase(WagtailPageTestCase):
    client_class = ModelBackendClient

    def setUp(self):
        super().setUp()
        self.user = get_user_model().objects.create_superuser(
            "editor-in-chief", "chief@example.org", "a long test password"
        )
        # force_login: the login form's throttling (axes) is tested elsewhere.
        self.client.force_login(self.user)
        self.home = HomePage.objects.get()


campaign_form = factories.campaign_page_form_data


def form_error_text(response) -> str:
    """Every error message of the page form, block errors included."""
    parts = []
    for errors in response.context["form"].errors.as_data().values():
        for error in errors:
            if hasattr(error, "as_json_data"):
                parts.append(json.dumps(error.as_json_data()))
            else:
                parts.extend(error.messages)
    return "\n".join(parts)


class PageTreeRules(AdminTestCase):
    def test_page_types_go_only_where_they_belong(self):
        self.assertAllowedSubpageTypes(
            HomePage, {CampaignPage, UpdateIndexPage, BriefingsPage, StandardPage}
        )
        self.assertAllowedParentPageTypes(UpdatePage, {UpdateIndexPage})
        self.assertAllowedSubpageTypes(UpdateIndexPage, {UpdatePage})
        self.assertAllowedSubpageTypes(CampaignPage, set())
        self.assertCanNotCreateAt(Page, CampaignPage)
        self.assertCanNotCreateAt(HomePage, HomePage)


class CreatingPages(AdminTestCase):
    def test_editor_creates_a_campaign_page_with_demands_and_timeline(self):
        self.assertCanCreate(self.home, CampaignPage, campaign_form())
        page = CampaignPage.objects.get(slug="labels")
        assert page.live
        assert page.hashtag == "LabelsLastaLifetime"  # the # is dropped
        assert [m.title for m in page.milestones.all()] == [
            "Letter before action sent",
            "Hearing",
        ]
        assert page.milestones.first().key is not None
        assert page.demands[0].value["title"] == "Keep pupil data safe"

    def test_editor_creates_updates_with_topics_under_an_index(self):
        index = factories.update_index_create()
        image = factories.image_create()
        self.assertCanCreate(
            index,
            UpdatePage,
            nested_form_data(
                {
                    "title": "Letter sent",
                    "date": "2026-02-03",
                    "author_name": "Campaign team",
                    "topics": "Judicial review, National Pupil Database",
                    "standfirst": "Our lawyers have written.",
                    "hero_image": image.pk,
                    "hero_image_alt": "Coloured labels",
                    "body": streamfield(
                        [("quote", {"quote": "Enough.", "attribution": "A parent"})]
                    ),
                }
            ),
        )
        update = UpdatePage.objects.get(slug="letter-sent")
        assert sorted(t.name for t in update.topics.all()) == [
            "Judicial review",
            "National Pupil Database",
        ]

    def test_editor_creates_standard_briefings_and_index_pages(self):
        document = factories.document_create()
        self.assertCanCreate(
            self.home,
            StandardPage,
            nested_form_data(
                {
                    "title": "About us",
                    "intro": "Who we are.",
                    "body": streamfield(
                        [
                            (
                                "document",
                                {"document": document.pk, "label": "Our briefing"},
                            )
                        ]
                    ),
                }
            ),
        )
        self.assertCanCreate(
            self.home,
            BriefingsPage,
            nested_form_data(
                {
                    "title": "Briefings",
                    "intro": "",
                    "items": inline_formset([{"document": document.pk}]),
                }
            ),
        )
        self.assertCanCreate(
            self.home, UpdateIndexPage, nested_form_data({"title": "News", "intro": ""})
        )
        assert BriefingsPage.objects.get().briefing_documents() == [document]

    def test_every_page_type_renders_previews_and_edits(self):
        index = factories.update_index_create()
        pages = [
            self.home,
            factories.campaign_page_create(),
            index,
            factories.update_page_create(index=index),
            factories.briefings_page_create(documents=[factories.document_create()]),
        ]
        standard = StandardPage(title="About", slug="about", intro="Hi")
        self.home.add_child(instance=standard)
        pages.append(standard)
        for page in pages:
            self.assertPageIsRenderable(page)
        # Pages without StreamFields round-trip through the edit form as is;
        # StreamField forms are built by the editor's JavaScript, so the
        # campaign page is previewed with explicit form data.
        self.assertPageIsEditable(index)
        self.assertPageIsPreviewable(index)
        self.assertPageIsPreviewable(pages[1], post_data=campaign_form())

    def test_editor_edits_a_campaign_and_saves_a_draft_revision(self):
        page = factories.campaign_page_create(slug="labels")
        url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        response = self.client.post(url, campaign_form(title="A new title"))
        assert response.status_code == 302
        page.refresh_from_db()
        assert page.title != "A new title"  # still the published version
        assert page.has_unpublished_changes
        assert page.get_latest_revision_as_object().title == "A new title"


class RefusingBadInput(AdminTestCase):
    def post_campaign(self, **overrides):
        url = reverse(
            "wagtailadmin_pages:add", args=["campaign", "campaignpage", self.home.pk]
        )
        data = campaign_form(**overrides)
        data["action-publish"] = "action-publish"
        return self.client.post(url, data)

    def assert_refused(self, response, message):
        assert response.status_code == 200
        assert message in form_error_text(response)
        assert not CampaignPage.objects.exists()

    def test_crowdjustice_url_must_be_https(self):
        response = self.post_campaign(
            crowdjustice_url="http://www.crowdjustice.com/case/labels/"
        )
        self.assert_refused(response, "starting with https://")

    def test_invalid_url_is_refused(self):
        self.assert_refused(
            self.post_campaign(crowdjustice_url="not a url"), "Enter a valid URL."
        )

    def test_empty_demands_are_refused(self):
        response = self.post_campaign(demands=streamfield([]))
        self.assert_refused(response, "Add at least one demand.")

    def test_demand_without_a_title_is_refused(self):
        response = self.post_campaign(
            demands=streamfield([("demand", {"title": "", "text": "Just text"})])
        )
        assert response.status_code == 200
        assert not CampaignPage.objects.exists()

    def test_image_block_without_alt_text_is_refused(self):
        image = factories.image_create()
        response = self.post_campaign(
            body=streamfield(
                [("image", {"image": image.pk, "alt_text": "", "caption": ""})]
            )
        )
        self.assert_refused(response, ALT_TEXT_MISSING)

    def test_embed_of_an_unknown_site_is_refused(self):
        response = self.post_campaign(
            body=streamfield(
                [
                    (
                        "embed",
                        {
                            "url": "https://tracker.example.com/video/1",
                            "title": "A video",
                            "poster": "",
                        },
                    )
                ]
            )
        )
        self.assert_refused(response, "Enter the address of a YouTube or Vimeo video.")

    def test_call_to_action_needs_a_page_or_an_https_url(self):
        response = self.post_campaign(
            body=streamfield(
                [
                    (
                        "call_to_action",
                        {"label": "Give", "page": "", "url": "", "style": "primary"},
                    )
                ]
            )
        )
        self.assert_refused(response, "Choose a page or enter a URL")

    def test_bad_hashtag_is_refused(self):
        self.assert_refused(
            self.post_campaign(hashtag="#two words"), "A hashtag is letters"
        )

    def test_update_image_without_alt_text_is_refused(self):
        index = factories.update_index_create()
        url = reverse(
            "wagtailadmin_pages:add", args=["campaign", "updatepage", index.pk]
        )
        data = nested_form_data(
            {
                "title": "An update",
                "slug": "an-update",
                "date": "2026-02-03",
                "standfirst": "Text.",
                "hero_image": factories.image_create().pk,
                "hero_image_alt": "",
                "body": streamfield([]),
                "action-publish": "action-publish",
            }
        )
        response = self.client.post(url, data)
        assert ALT_TEXT_MISSING in form_error_text(response)
        assert not UpdatePage.objects.exists()
