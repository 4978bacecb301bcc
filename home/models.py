"""The site shell: the home page and operational records."""

from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page


class HomePage(Page):
    """The site root. Later issues add the hero, campaign and calls to action."""

    intro = models.TextField(blank=True, max_length=500)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]


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

    panels = [
        FieldPanel("organisation_name"),
        FieldPanel("is_registered_charity"),
        FieldPanel("registration_number"),
        FieldPanel("contact_email"),
    ]

    class Meta:
        verbose_name = "Organisation"
