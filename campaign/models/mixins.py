"""Behaviour shared by the page types of this app and the site shell."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.csp import CSP
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from ..blocks import ALT_TEXT_MISSING
from ..embeds import embed_target


def image_foreign_key(help_text: str = "") -> models.ForeignKey:
    """An optional image that survives the image's deletion as "no image"."""
    return models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text,
    )


class HeroImageFields(models.Model):
    """A page's main image with the alternative text readers need."""

    hero_image = image_foreign_key("Shown at the top, in lists and when shared.")
    hero_image_alt = models.CharField(
        "Image alternative text",
        max_length=250,
        blank=True,
        help_text="Describe the image for screen reader users.",
    )

    hero_panels = [
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_image_alt")], heading="Image"
        )
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.hero_image_id and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": ALT_TEXT_MISSING})


def embed_frame_hosts(stream_value) -> list[str]:
    """Frame hosts needed by the embed blocks of a StreamField value."""
    hosts = set()
    for child in stream_value or ():
        if child.block_type == "embed":
            target = embed_target(child.value.get("url"))
            if target:
                hosts.add(target.frame_host)
    return sorted(hosts)


class EmbedPolicyMixin:
    """Adds an embed provider's frame host to this page's CSP, only if needed.

    Nothing is loaded from that host until the reader clicks (see
    campaign/embeds.py for the reasoning).
    """

    embed_stream_fields: tuple[str, ...] = ("body",)

    def embed_frame_hosts(self) -> list[str]:
        hosts = set()
        for name in self.embed_stream_fields:
            hosts.update(embed_frame_hosts(getattr(self, name, None)))
        return sorted(hosts)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if hosts := self.embed_frame_hosts():
            policy = {key: list(value) for key, value in settings.SECURE_CSP.items()}
            policy["frame-src"] = [CSP.SELF, *hosts]
            response._csp_config = policy
        return response


class PublicPageMixin:
    """Opts the page's responses in to public caching.

    The attribute is read by home.middleware.PublicCacheControlMiddleware,
    which still refuses when the visitor has a session or the page rendered
    a CSRF token. (Set here rather than imported from home: campaign sits
    below home in the layers.)
    """

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        response.public_cacheable = True
        return response


class SharePageMixin:
    """What OpenGraph and share links need from a page."""

    def get_share_image(self):
        return getattr(self, "hero_image", None)

    def get_share_description(self) -> str:
        return (
            self.search_description
            or getattr(self, "standfirst", "")
            or getattr(self, "intro", "")
            or ""
        )

    def get_hashtag(self) -> str:
        return ""
