"""The briefings page: chosen documents with their summary, type and size."""

from __future__ import annotations

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Page

from .mixins import PublicPageMixin, SharePageMixin


class BriefingsPage(PublicPageMixin, SharePageMixin, Page):
    """Lists briefings the editor chose (documents have no approval step of
    their own, so what appears here goes through the page workflow)."""

    intro = models.TextField(blank=True, max_length=500)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("items", label="Briefing", heading="Briefings", min_num=0),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list = []

    class Meta:
        verbose_name = "briefings page"

    def briefing_documents(self):
        return [item.document for item in self.items.select_related("document")]


class BriefingsPageItem(Orderable):
    page = ParentalKey(BriefingsPage, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(
        "campaign.BriefingDocument", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("document")]
