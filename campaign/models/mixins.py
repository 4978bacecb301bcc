"""Behaviour shared by the page types of this app and the site shell."""

from __future__ import annotations

from django.conf import settings
from django.utils.csp import CSP

from ..embeds import embed_target


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
