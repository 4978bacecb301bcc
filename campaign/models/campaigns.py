"""The campaign page: what is challenged, what we ask, where the case stands."""

from __future__ import annotations

from uuid import uuid4

from django.core.validators import RegexValidator
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..blocks import MILESTONE_STATES, BodyBlock, CampaignDemandsBlock, https_only
from .mixins import (
    EmbedPolicyMixin,
    HeroImageFields,
    PublicPageMixin,
    SharePageMixin,
)

hashtag_validator = RegexValidator(
    r"^#?[A-Za-z][A-Za-z0-9_]{0,99}$",
    "A hashtag is letters, digits and underscores, starting with a letter "
    "(the # is optional), e.g. #LabelsLastaLifetime.",
)


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    WON = "won", "Won"
    CLOSED = "closed", "Closed"


class CampaignPage(
    PublicPageMixin, EmbedPolicyMixin, SharePageMixin, HeroImageFields, Page
):
    standfirst = models.TextField(
        max_length=400, help_text="One or two sentences under the title."
    )
    hashtag = models.CharField(
        max_length=100, blank=True, validators=[hashtag_validator]
    )
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    crowdjustice_url = models.URLField(
        "CrowdJustice page",
        blank=True,
        validators=[https_only],
        help_text="The case's CrowdJustice page (https). Empty: the site default.",
    )
    demands = StreamField(
        CampaignDemandsBlock(),
        help_text="What we are asking for. At least one demand.",
    )
    body = StreamField(BodyBlock(), blank=True)

    # --- The fundraising appeal -------------------------------------------------
    # The page shows an appeal (its totals, both ways to give, the pledge form
    # with this page's milestones); fundraising never refers back to pages.
    appeal = models.ForeignKey(
        "fundraising.Appeal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The fundraising appeal this campaign raises money for.",
    )
    appeal_panels: list = [FieldPanel("appeal", heading="Fundraising appeal")]

    content_panels = [
        *Page.content_panels,
        FieldPanel("standfirst"),
        *HeroImageFields.hero_panels,
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldPanel("hashtag"),
                FieldPanel("crowdjustice_url"),
            ],
            heading="Campaign",
        ),
        FieldPanel("demands"),
        InlinePanel("milestones", label="Timeline milestone", heading="Timeline"),
        FieldPanel("body"),
        InlinePanel("related_briefings", label="Briefing", heading="Briefings"),
        *appeal_panels,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.SearchField("demands"),
        index.FilterField("status"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list = []

    class Meta:
        verbose_name = "campaign page"

    def clean(self):
        super().clean()
        self.hashtag = self.hashtag.strip().lstrip("#")

    def get_hashtag(self) -> str:
        return self.hashtag

    def ordered_milestones(self):
        return self.milestones.all()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.appeal_id and self.appeal.is_open:
            from fundraising.pledges.forms import PledgeForm
            from fundraising.pledges.milestones import milestones_from_page

            context["pledge_form"] = PledgeForm(
                appeal=self.appeal, milestones=milestones_from_page(self)
            )
        return context

    def briefing_documents(self):
        """The related briefings' documents, in the editor's order, one query."""
        return [
            item.document
            for item in self.related_briefings.select_related("document")
            if item.document_id
        ]


class CampaignMilestone(Orderable):
    """A dated step of the campaign ("claim filed"). Pledges refer to `key`."""

    page = ParentalKey(
        CampaignPage, on_delete=models.CASCADE, related_name="milestones"
    )
    key = models.UUIDField(default=uuid4, unique=True, editable=False)
    date = models.DateField(null=True, blank=True, help_text="Empty if not known yet.")
    date_label = models.CharField(
        max_length=40, blank=True, help_text='Shown instead of a date, e.g. "Spring".'
    )
    title = models.CharField(max_length=160)
    text = models.TextField(blank=True, max_length=600)
    state = models.CharField(
        max_length=10, choices=MILESTONE_STATES, default="upcoming"
    )
    reached_at = models.DateTimeField(
        null=True, blank=True, help_text="When this step was reached, if it has been."
    )

    panels = [
        FieldPanel("date"),
        FieldPanel("date_label"),
        FieldPanel("title"),
        FieldPanel("text"),
        FieldPanel("state"),
        FieldPanel("reached_at"),
    ]

    def __str__(self) -> str:
        return self.title


class CampaignBriefing(Orderable):
    page = ParentalKey(
        CampaignPage, on_delete=models.CASCADE, related_name="related_briefings"
    )
    document = models.ForeignKey(
        "campaign.BriefingDocument", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("document")]
