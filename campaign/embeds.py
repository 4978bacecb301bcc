"""Click-to-load video embeds without any third-party request before the click.

Editors paste an ordinary watch URL. We turn it into the provider's embed URL
ourselves, so rendering a page never calls the provider (no oEmbed fetch on the
server, no thumbnail from the provider in the reader's browser). The page shows
our own placeholder and a plain link to the provider; ``static/js/embed.js``
swaps in the iframe only when the reader clicks.

CSP decision: the strict site policy has no ``frame-src`` entry, so frames fall
back to ``default-src 'self'``. A page that contains an embed block adds exactly
that block's provider frame host to ``frame-src`` (see
``campaign.models.mixins.EmbedPolicyMixin``). Allowing a frame host loads
nothing by itself: a request is made only once the script inserts the iframe,
which happens on click. Pages without embeds keep the unmodified policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class EmbedTarget:
    provider: str
    video_id: str
    watch_url: str
    embed_url: str
    frame_host: str


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{4,12}$")
YOUTUBE_FRAME_HOST = "https://www.youtube-nocookie.com"
VIMEO_FRAME_HOST = "https://player.vimeo.com"
SUPPORTED = "YouTube or Vimeo"


def _youtube(video_id: str) -> EmbedTarget | None:
    if not _YOUTUBE_ID.match(video_id):
        return None
    return EmbedTarget(
        provider="YouTube",
        video_id=video_id,
        watch_url=f"https://www.youtube.com/watch?v={video_id}",
        # The privacy-enhanced host sets no cookies until the reader plays.
        embed_url=f"{YOUTUBE_FRAME_HOST}/embed/{video_id}?autoplay=1",
        frame_host=YOUTUBE_FRAME_HOST,
    )


def _vimeo(video_id: str) -> EmbedTarget | None:
    if not _VIMEO_ID.match(video_id):
        return None
    return EmbedTarget(
        provider="Vimeo",
        video_id=video_id,
        watch_url=f"https://vimeo.com/{video_id}",
        embed_url=f"{VIMEO_FRAME_HOST}/video/{video_id}?dnt=1&autoplay=1",
        frame_host=VIMEO_FRAME_HOST,
    )


def embed_target(url: str) -> EmbedTarget | None:
    """The embed for a YouTube or Vimeo URL, or None if it is not one we know."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path.strip("/")
    if host in ("youtube.com", "youtube-nocookie.com"):
        if path == "watch":
            return _youtube(parse_qs(parts.query).get("v", [""])[0])
        head, _, rest = path.partition("/")
        if head in ("embed", "shorts", "live"):
            return _youtube(rest)
        return None
    if host == "youtu.be":
        return _youtube(path)
    if host == "vimeo.com":
        return _vimeo(path)
    if host == "player.vimeo.com" and path.startswith("video/"):
        return _vimeo(path.removeprefix("video/"))
    return None
