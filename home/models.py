"""The site shell: home page, standard pages, site settings, heartbeats."""

from __future__ import annotations

from functools import partial

from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from campaign.blocks import BodyBlock, https_only
from campaign.models.mixins import (
    EmbedPolicyMixin,
    HeroImageFields,
    PublicPageMixin,
    SharePageMixin,
    image_foreign_key,
)

LATEST_UPDATES_ON_HOME = 3


class HomePage(
    PublicPageMixin, EmbedPolicyMixin, SharePageMixin, HeroImageFields, Page
):
    """The site root: hero, featured campaign, latest updates, calls to action."""

    hero_headline = models.CharField(
        max_length=160, blank=True, help_text="Large text at the top. Empty: the title."
    )
    intro = models.TextField(blank=True, max_length=500)
    featured_campaign = models.ForeignKey(
        "campaign.CampaignPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_headline"),
                FieldPanel("intro"),
            ],
            heading="Hero",
        ),
        *HeroImageFields.hero_panels,
        PageChooserPanel("featured_campaign", "campaign.CampaignPage"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "campaign.CampaignPage",
        "campaign.UpdateIndexPage",
        "campaign.BriefingsPage",
        "home.StandardPage",
    ]

    def get_context(self, request, *args, **kwargs):
        from campaign.selectors import latest_updates

        context = super().get_context(request, *args, **kwargs)
        # A callable: the template calls it only when its cached fragment has
        # expired, so a warm home page runs no query for the list.
        context["latest_updates"] = partial(
            latest_updates, limit=LATEST_UPDATES_ON_HOME
        )
        return context


class StandardPage(PublicPageMixin, EmbedPolicyMixin, SharePageMixin, Page):
    """About, privacy notice, contact: a title, an intro and a body."""

    intro = models.TextField(blank=True, max_length=500)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["home.HomePage", "home.StandardPage"]

    class Meta:
        verbose_name = "standard page"


class WorkerHeartbeat(models.Model):
    """When each kind of background process last proved it was alive.

    One row per process kind ("worker"); the health endpoint reports its age,
    so monitoring notices a stopped worker or beat before supporters do.
    """

    name = models.CharField(max_length=50, unique=True)
    last_seen = models.DateTimeField(default=timezone.now)
    hostname = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class TaskFailure(models.Model):
    """A background task that raised, kept until it next succeeds or staff
    run it again (home/jobs.py records it from Celery's signals, in a worker
    and in-process alike). The dashboard lists the open ones, so a sweep that
    keeps failing is never silent."""

    task_name = models.CharField(max_length=200, db_index=True)
    task_args = models.JSONField(default=list, blank=True)
    reason = models.TextField()
    failed_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-failed_at", "-pk"]
        indexes = [
            models.Index(
                fields=["task_name"],
                condition=models.Q(resolved_at__isnull=True),
                name="taskfailure_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name} failed {self.failed_at:%Y-%m-%d %H:%M}"


def _profile_url(label: str):
    return models.URLField(f"{label} profile", blank=True, validators=[https_only])


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Who runs the site. Other apps read these (charity mode, contact email)."""

    organisation_name = models.CharField(max_length=120, default="Our campaign")
    is_registered_charity = models.BooleanField(
        default=False,
        help_text=(
            "Tick only if the organisation is a registered charity. This switches "
            "on Gift Aid and the charity 'soft opt-in' for supporters."
        ),
    )
    registration_number = models.CharField(
        max_length=40,
        blank=True,
        help_text="Registered charity or company number, shown in the footer.",
    )
    contact_email = models.EmailField(blank=True)
    privacy_notice = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Linked from the footer and from every form.",
    )
    default_crowdjustice_url = models.URLField(
        "Default CrowdJustice page",
        blank=True,
        validators=[https_only],
        help_text="Used by campaign pages that do not set their own (https).",
    )
    footer_text = models.TextField(blank=True, max_length=600)
    default_share_image = image_foreign_key(
        "Shown when a page without its own image is shared."
    )
    bluesky_url = _profile_url("Bluesky")
    mastodon_url = _profile_url("Mastodon")
    x_url = _profile_url("X")
    facebook_url = _profile_url("Facebook")
    instagram_url = _profile_url("Instagram")
    youtube_url = _profile_url("YouTube")

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organisation_name"),
                FieldPanel("is_registered_charity"),
                FieldPanel("registration_number"),
                FieldPanel("contact_email"),
            ],
            heading="Organisation",
        ),
        MultiFieldPanel(
            [
                FieldPanel("privacy_notice"),
                FieldPanel("footer_text"),
                FieldPanel("default_share_image"),
                FieldPanel("default_crowdjustice_url"),
            ],
            heading="Site",
        ),
        MultiFieldPanel(
            [
                FieldPanel("bluesky_url"),
                FieldPanel("mastodon_url"),
                FieldPanel("x_url"),
                FieldPanel("facebook_url"),
                FieldPanel("instagram_url"),
                FieldPanel("youtube_url"),
            ],
            heading="Social profiles",
        ),
    ]

    class Meta:
        verbose_name = "Organisation"

    SOCIAL_FIELDS = (
        ("Bluesky", "bluesky_url"),
        ("Mastodon", "mastodon_url"),
        ("X", "x_url"),
        ("Facebook", "facebook_url"),
        ("Instagram", "instagram_url"),
        ("YouTube", "youtube_url"),
    )

    def social_profiles(self) -> list[tuple[str, str]]:
        return [
            (label, getattr(self, field))
            for label, field in self.SOCIAL_FIELDS
            if getattr(self, field)
        ]
