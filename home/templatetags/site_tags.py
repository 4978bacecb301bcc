"""Template tags of the site shell: menu, share links, OpenGraph image."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django import template
from django.core.cache import cache
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from wagtail.models import Page, Site

from campaign.images import SHARE
from home.cache import content_version as _content_version

register = template.Library()


def _request_content_version(request) -> str:
    """The content version, read from the cache once per request."""
    if request is None:
        return _content_version()
    if not hasattr(request, "_content_version"):
        request._content_version = _content_version()
    return request._content_version


@register.simple_tag(takes_context=True)
def content_version(context) -> str:
    return _request_content_version(context.get("request"))


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[dict]:
    """Live pages under the site root with "show in menus" ticked, as title and
    URL, cached until the next publish (the content version changes)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []

    def build() -> list[dict]:
        pages = (
            Page.objects.filter(
                depth=site.root_page.depth + 1,
                path__startswith=site.root_page.path,
            )
            .live()
            .public()
            .in_menu()
            .order_by("path")
        )
        return [{"title": page.title, "url": page.get_url(request)} for page in pages]

    key = f"site:menu:{site.pk}:{_request_content_version(request)}"
    return cache.get_or_set(key, build, timeout=600)


def _share_text(page) -> str:
    hashtag = page.get_hashtag() if hasattr(page, "get_hashtag") else ""
    return f"{page.title} #{hashtag}" if hashtag else page.title


@register.simple_tag(takes_context=True)
def share_links(context, page) -> list[dict]:
    """Plain links to each network's share form: no scripts, no requests
    until the reader clicks."""
    request = context.get("request")
    url = page.get_full_url(request)
    text = _share_text(page)
    hashtag = page.get_hashtag() if hasattr(page, "get_hashtag") else ""
    with_url = f"{text} {url}"
    x_params = {"text": page.title, "url": url}
    if hashtag:
        x_params["hashtags"] = hashtag
    return [
        {
            "network": "Email",
            "url": "mailto:?"
            + urlencode({"subject": page.title, "body": with_url}, quote_via=quote),
        },
        {
            "network": "Bluesky",
            "url": "https://bsky.app/intent/compose?" + urlencode({"text": with_url}),
        },
        {
            "network": "Mastodon",
            "url": "https://mastodonshare.com/?"
            + urlencode({"text": text, "url": url}),
        },
        {"network": "X", "url": "https://x.com/intent/post?" + urlencode(x_params)},
        {
            "network": "Facebook",
            "url": "https://www.facebook.com/sharer/sharer.php?"
            + urlencode({"u": url, "hashtag": f"#{hashtag}" if hashtag else ""}),
        },
        {
            "network": "WhatsApp",
            "url": "https://wa.me/?" + urlencode({"text": with_url}),
        },
    ]


@register.simple_tag(takes_context=True)
def share_image_url(context, page=None, fallback=None) -> str:
    """Absolute URL of the OpenGraph image (1200x630) for a page, or ""."""
    image = None
    if page is not None and hasattr(page, "get_share_image"):
        image = page.get_share_image()
    image = image or fallback
    if image is None:
        return ""
    rendition = image.get_rendition(SHARE)
    request = context.get("request")
    return request.build_absolute_uri(rendition.url) if request else rendition.url


@register.simple_tag
def stream_is_cacheable(stream_value) -> bool:
    """True only if every block says its output is the same for every reader
    (``fragment_cacheable = True``, see campaign.blocks.CACHE_SAFE_BLOCKS).

    Safe by default: a block that does not say so (a form with a CSRF token,
    anything personal) keeps the whole StreamField out of the cache.
    """
    return all(
        getattr(child.block, "fragment_cacheable", False)
        for child in stream_value or ()
    )


@register.simple_tag(takes_context=True)
def include_optional(context, template_name: str) -> str:
    """Render a template if it exists, else nothing.

    The seams other features fill (home calls to action, the footer sign-up,
    the campaign appeal) name templates those apps add later; until then the
    page renders without them.
    """
    try:
        included = get_template(template_name)
    except TemplateDoesNotExist:
        return ""
    return included.render(context.flatten(), context.get("request"))
