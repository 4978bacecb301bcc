"""Test and demo data builders for the campaign app (plain functions: Wagtail
pages must be created through the tree, which factory classes hide)."""

from __future__ import annotations

import io
import itertools

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction, Page, Site

from .models import (
    BriefingsPage,
    BriefingsPageItem,
    CampaignBriefing,
    CampaignMilestone,
    CampaignPage,
    UpdateIndexPage,
    UpdatePage,
)

_numbers = itertools.count(1)


def site_root() -> Page:
    return Site.objects.get(is_default_site=True).root_page.specific


def image_create(*, title: str | None = None, size=(320, 180), colour="#5b1f7a"):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    number = next(_numbers)
    image = get_image_model()(
        title=title or f"Image {number}",
        file=ImageFile(buffer, name=f"test-{number}.png"),
    )
    image._set_image_file_metadata()
    image.save()
    return image


def document_create(
    *, title: str | None = None, content: bytes | None = None, collection=None
):
    number = next(_numbers)
    document = get_document_model()(
        title=title or f"Briefing {number}",
        summary="What it covers.",
        file=ContentFile(content or b"%PDF-1.4\n" + b"x" * 2000, name=f"b{number}.pdf"),
        collection=collection or Collection.get_first_root_node(),
    )
    document._set_document_file_metadata()
    document.save()
    return document


def login_restricted_collection_create(*, name: str = "Staff only") -> Collection:
    """A collection whose documents only signed-in staff may download."""
    collection = Collection.get_first_root_node().add_child(name=name)
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    return collection


def publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def campaign_page_create(*, parent: Page | None = None, **fields) -> CampaignPage:
    number = next(_numbers)
    milestones = fields.pop("milestones", None)
    briefings = fields.pop("briefings", ())
    defaults = {
        "title": f"Campaign {number}",
        "slug": f"campaign-{number}",
        "standfirst": "We are challenging new rules about pupil data.",
        "hashtag": "LabelsLastaLifetime",
        "crowdjustice_url": "https://www.crowdjustice.com/case/example/",
        "demands": [("demand", {"title": "Keep pupil data safe", "text": ""})],
    }
    if fields.get("hero_image") and "hero_image_alt" not in fields:
        fields["hero_image_alt"] = "A description of the image"
    page = CampaignPage(**(defaults | fields))
    (parent or site_root()).add_child(instance=page)
    for order, milestone in enumerate(
        milestones
        if milestones is not None
        else [{"title": "Letter before action sent", "state": "done"}]
    ):
        page.milestones.add(CampaignMilestone(sort_order=order, **milestone))
    for order, document in enumerate(briefings):
        page.related_briefings.add(
            CampaignBriefing(sort_order=order, document=document)
        )
    return publish(page)


def update_index_create(*, parent: Page | None = None, **fields) -> UpdateIndexPage:
    page = UpdateIndexPage(**({"title": "Updates", "slug": "updates"} | fields))
    (parent or site_root()).add_child(instance=page)
    return publish(page)


def update_page_create(*, index: UpdateIndexPage, topics=(), **fields) -> UpdatePage:
    number = next(_numbers)
    defaults = {
        "title": f"Update {number}",
        "slug": f"update-{number}",
        "standfirst": "What happened this week.",
        "author_name": "Campaign team",
    }
    if fields.get("hero_image") and "hero_image_alt" not in fields:
        fields["hero_image_alt"] = "A description of the image"
    page = UpdatePage(**(defaults | fields))
    index.add_child(instance=page)
    if topics:
        page.topics.set(list(topics))
    return publish(page)


def briefings_page_create(*, parent: Page | None = None, documents=()) -> BriefingsPage:
    page = BriefingsPage(title="Briefings", slug="briefings")
    (parent or site_root()).add_child(instance=page)
    for order, document in enumerate(documents):
        page.items.add(BriefingsPageItem(sort_order=order, document=document))
    return publish(page)


def campaign_page_form_data(**overrides) -> dict:
    """POST data for the admin's campaign page form (StreamFields and inline
    panels in Wagtail's flattened form), for tests that drive the admin."""
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    data = {
        "title": "Labels last a lifetime",
        "slug": "labels",
        "standfirst": "We are challenging the new census.",
        "hashtag": "#LabelsLastaLifetime",
        "status": "active",
        "crowdjustice_url": "https://www.crowdjustice.com/case/labels/",
        "demands": streamfield(
            [("demand", {"title": "Keep pupil data safe", "text": "Now."})]
        ),
        "body": streamfield(
            [
                ("heading", {"text": "Why", "level": "h2"}),
                ("paragraph", rich_text("<p>Because.</p>")),
                ("statistic", {"figure": "1,000+", "label": "releases", "source": ""}),
            ]
        ),
        "milestones": inline_formset(
            [
                {
                    "title": "Letter before action sent",
                    "state": "done",
                    "date": "2026-02-01",
                    "date_label": "",
                    "text": "",
                    "reached_at": "",
                },
                {
                    "title": "Hearing",
                    "state": "upcoming",
                    "date": "",
                    "date_label": "Spring",
                    "text": "",
                    "reached_at": "",
                },
            ]
        ),
        "hero_image": "",
        "hero_image_alt": "",
        "related_briefings": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)
