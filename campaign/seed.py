"""Demo content of the campaign app (run by ``manage.py seed_demo``).

Idempotent: pages are found by slug, files by title; anything that exists is
left as the editors made it.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from fundraising.models import Appeal

from . import demo_content as content
from .demo_files import banner_png, briefing_pdf
from .models import (
    BriefingsPage,
    BriefingsPageItem,
    CampaignBriefing,
    CampaignMilestone,
    CampaignPage,
    Topic,
    UpdateIndexPage,
    UpdatePage,
)

BRIEFING_TITLE = "Briefing: the Alternative Provision Census"
BANNER_ALT = "Rows of coloured labels above the campaign hashtag"


def demo_image(*, title: str, text: str, seed: int = 0):
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image(
            title=title,
            file=ImageFile(
                io.BytesIO(banner_png(text=text, seed=seed)),
                name=f"demo-banner-{seed}.png",
            ),
        )
        image._set_image_file_metadata()
        image.save()
    return image


def demo_briefing():
    Document = get_document_model()
    document = Document.objects.filter(title=BRIEFING_TITLE).first()
    if document is None:
        document = Document(
            title=BRIEFING_TITLE,
            summary=(
                "What the widened census collects, where the data go, why the "
                "figures are doubtful, and what we ask the Department to do."
            ),
            file=ContentFile(
                briefing_pdf(title=BRIEFING_TITLE),
                name="alternative-provision-census-briefing.pdf",
            ),
        )
        document._set_document_file_metadata()
        document.save()
    return document


def _child(parent: Page, model, slug: str, **fields):
    """The live child with this slug, or a new one published under parent."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    return page, True


def _body(items) -> list:
    body = []
    for kind, value in items:
        if kind == "heading":
            body.append(("heading", {"text": value, "level": "h2"}))
        elif kind == "paragraph":
            body.append(("paragraph", RichText(value)))
        elif kind == "statistic":
            body.append(("statistic", {"figure": value[0], "label": value[1]}))
        elif kind == "quote":
            body.append(("quote", {"quote": value[0], "attribution": value[1]}))
    return body


def seed_campaign_page(*, home: Page, image, briefing, log) -> CampaignPage:
    data = content.CAMPAIGN
    page, created = _child(
        home,
        CampaignPage,
        data["slug"],
        title=data["title"],
        standfirst=data["standfirst"],
        hashtag=data["hashtag"],
        crowdjustice_url=data["crowdjustice_url"],
        hero_image=image,
        hero_image_alt=BANNER_ALT,
        show_in_menus=True,
        demands=[("demand", {"title": t, "text": x}) for t, x in data["demands"]],
        body=_body(data["body"]),
    )
    if not created and page.hero_image_id and not page.hero_image_alt:
        # Seeded before images needed alternative text: repair, or every later
        # publish of this demo page (by editors or seeders) would be refused.
        page.hero_image_alt = BANNER_ALT
        page.save_revision().publish()
    if created:
        today = timezone.localdate()
        for order, (offset, label, title, text, state) in enumerate(data["milestones"]):
            when = today + datetime.timedelta(days=offset) if offset else None
            page.milestones.add(
                CampaignMilestone(
                    sort_order=order,
                    date=when,
                    date_label=label,
                    title=title,
                    text=text,
                    state=state,
                    reached_at=(
                        timezone.make_aware(
                            datetime.datetime.combine(when, datetime.time(10))
                        )
                        if when and state == "done"
                        else None
                    ),
                )
            )
        page.related_briefings.add(CampaignBriefing(sort_order=0, document=briefing))
        page.save_revision().publish()
    log(f"Campaign page: {page.title}")
    return page


def seed_updates(*, home: Page, campaign: CampaignPage, images, log) -> None:
    index, created = _child(
        home,
        UpdateIndexPage,
        "updates",
        title="Updates",
        intro="News from the campaign and the case, newest first.",
        show_in_menus=True,
    )
    if created:
        index.save_revision().publish()
    topics = {}
    for key, name in content.TOPICS.items():
        topics[key], _ = Topic.objects.get_or_create(name=name)
    today = timezone.localdate()
    for number, (
        days,
        slug,
        title,
        author,
        topic_keys,
        standfirst,
        paragraphs,
    ) in enumerate(content.UPDATES):
        body = [("paragraph", RichText(f"<p>{text}</p>")) for text in paragraphs]
        image = images[number % len(images)] if number % 2 == 0 else None
        update, created = _child(
            index,
            UpdatePage,
            slug,
            title=title,
            date=today - datetime.timedelta(days=days),
            author_name=author,
            standfirst=standfirst,
            related_campaign=campaign,
            hero_image=image,
            hero_image_alt=BANNER_ALT if image else "",
            body=body,
        )
        if created:
            update.topics.set([topics[key] for key in topic_keys])
            update.save_revision().publish()
    log(f"Updates: {UpdatePage.objects.child_of(index).count()}")


def seed_briefings_page(*, home: Page, briefing, log) -> None:
    page, created = _child(
        home,
        BriefingsPage,
        "briefings",
        title="Briefings",
        intro="Background papers on pupil data, free to download and share.",
        show_in_menus=True,
    )
    if created:
        page.items.add(BriefingsPageItem(sort_order=0, document=briefing))
        page.save_revision().publish()
    log(f"Briefings page: {page.title}")


@transaction.atomic
def seed_campaign(*, log) -> CampaignPage:
    home = Site.objects.get(is_default_site=True).root_page
    images = [
        demo_image(title="Labels last a lifetime banner", text="#LabelsLastaLifetime"),
        demo_image(title="Pupil data banner", text="Pupil data", seed=1),
    ]
    briefing = demo_briefing()
    campaign = seed_campaign_page(
        home=home, image=images[0], briefing=briefing, log=log
    )
    seed_campaign_appeal(campaign=campaign, log=log)
    seed_campaign_spending(campaign=campaign, log=log)
    seed_updates(home=home, campaign=campaign, images=images, log=log)
    seed_briefings_page(home=home, briefing=briefing, log=log)
    return campaign


def seed_campaign_appeal(*, campaign: CampaignPage, log) -> None:
    """Show the demo appeal (made by the fundraising seeder) on the campaign."""
    from fundraising.seed import DEMO_SLUG

    appeal = Appeal.objects.filter(slug=DEMO_SLUG).first()
    if appeal is None or campaign.appeal_id == appeal.pk:
        return
    campaign.appeal = appeal
    campaign.save_revision().publish()
    log(f"Campaign page shows the appeal: {appeal.name}")


def seed_campaign_spending(*, campaign: CampaignPage, log) -> None:
    """Place "Where the money goes" (the appeal's public ledger) on the demo
    campaign, before "How you can help"; once only."""
    if any(block.block_type == "spending" for block in campaign.body):
        return
    blocks = list(campaign.body.raw_data)
    at = next(
        (
            n
            for n, block in enumerate(blocks)
            if block["type"] == "heading"
            and block["value"].get("text") == "How you can help"
        ),
        len(blocks),
    )
    campaign.body.insert(
        at,
        (
            "spending",
            {
                "heading": "Where the money goes",
                "appeal": None,
                "intro": (
                    "Every pound raised and every approved cost of the case, in "
                    "public, with what happens to money that is not needed."
                ),
            },
        ),
    )
    campaign.save_revision().publish()
    log("Campaign page shows where the money goes")
