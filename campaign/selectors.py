"""Reads shared by pages, feeds and the home page. Each is a bounded number of
queries whatever the number of rows (listings are sliced or paginated)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from wagtail.images import get_image_model

from .images import CARD
from .models import (
    CampaignMilestone,
    Topic,
    UpdateIndexPage,
    UpdatePage,
    UpdateTopic,
)


def updates_for_listing(
    *, index: UpdateIndexPage | None = None, topic: Topic | None = None
) -> QuerySet[UpdatePage]:
    """Live, public updates newest first, with what a listing card shows."""
    updates = UpdatePage.objects.live().public()
    if index is not None:
        updates = updates.child_of(index)
    if topic is not None:
        updates = updates.filter(topic_items__tag=topic)
    return (
        updates.select_related("related_campaign")
        .prefetch_related(
            Prefetch(
                "hero_image",
                queryset=get_image_model().objects.prefetch_renditions(CARD),
            ),
            Prefetch("topic_items", queryset=UpdateTopic.objects.select_related("tag")),
        )
        .order_by("-date", "-first_published_at", "-pk")
    )


def latest_updates(*, limit: int = 3) -> list[UpdatePage]:
    return list(updates_for_listing()[:limit])


def topics_in_use(*, index: UpdateIndexPage) -> QuerySet[Topic]:
    """Topics of the live updates under an index, alphabetically."""
    live = UpdatePage.objects.live().public().child_of(index)
    return Topic.objects.filter(items__content_object__in=live).distinct()


def milestones_open_for_appeal(appeal) -> list[tuple]:
    """(key, title) of the not-yet-reached timeline milestones on the live
    campaign pages that show ``appeal``: what a pledge may wait for."""
    return list(
        CampaignMilestone.objects.filter(
            page__appeal=appeal, page__live=True, reached_at__isnull=True
        )
        .exclude(state="done")
        .order_by("page_id", "sort_order")
        .values_list("key", "title")
    )


def milestones_for_call_in() -> QuerySet[CampaignMilestone]:
    """Milestones of campaign pages that show an appeal, for staff to call in
    the pledges waiting for them."""
    return (
        CampaignMilestone.objects.filter(page__appeal__isnull=False)
        .select_related("page", "page__appeal")
        .order_by("page__title", "sort_order")
    )
