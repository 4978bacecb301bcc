"""Keep caches and image renditions in step with what editors publish."""

from __future__ import annotations

import logging

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from campaign.images import BODY_IMAGE_SPECS, PAGE_IMAGE_SPECS

from .cache import content_version_bump
from .models import SiteSettings

logger = logging.getLogger(__name__)


def _bump(**kwargs) -> None:
    content_version_bump()


def _page_images(page):
    """The images a published page shows, with the sizes its templates use."""
    for field in ("hero_image", "featured_image"):
        if image := getattr(page, field, None):
            yield image, PAGE_IMAGE_SPECS
    for child in getattr(page, "body", None) or ():
        if child.block_type == "image" and child.value.get("image"):
            yield child.value["image"], BODY_IMAGE_SPECS


def renditions_prepare(page) -> None:
    """Make the renditions a page needs now, so no reader waits for one."""
    for image, specs in _page_images(page):
        try:
            image.get_renditions(*specs)
        except Exception:
            logger.exception("Could not make renditions for image %s", image.pk)


@receiver(page_published)
def on_page_published(sender, instance, **kwargs) -> None:
    content_version_bump()
    renditions_prepare(instance.specific)


@receiver(post_delete)
def on_page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        content_version_bump()


page_unpublished.connect(_bump, dispatch_uid="home.unpublished.bump")
post_page_move.connect(_bump, dispatch_uid="home.moved.bump")
post_save.connect(_bump, sender=SiteSettings, dispatch_uid="home.settings.bump")
for _model in (get_document_model(), get_image_model()):
    post_save.connect(_bump, sender=_model, dispatch_uid=f"home.{_model}.saved")
    post_delete.connect(_bump, sender=_model, dispatch_uid=f"home.{_model}.deleted")
