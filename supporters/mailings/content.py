"""Page content (campaign's body blocks) to mailing blocks.

Works on raw stream data ([{"type", "value"}...]) so supporters never imports
campaign: the block names are a shared vocabulary, not a shared class. What an
email cannot carry (a video, a timeline) becomes a link or a short paragraph.
"""

from __future__ import annotations

import html
import uuid

from django.conf import settings
from wagtail.documents import get_document_model
from wagtail.models import Page


def _raw(blocks) -> list[dict]:
    if blocks is None:
        return []
    if hasattr(blocks, "raw_data"):  # a StreamValue
        return [dict(item) for item in blocks.raw_data]
    return [dict(item) for item in blocks]


def _absolute(url: str) -> str:
    return settings.BASE_URL + url if url.startswith("/") else url


def _page_url(page_id) -> str:
    page = Page.objects.filter(pk=page_id).first() if page_id else None
    return _absolute(page.url or "") if page else ""


def _paragraph(markup: str) -> dict:
    return {"type": "paragraph", "value": markup}


def _convert(item: dict) -> list[dict]:
    kind, value = item.get("type"), item.get("value")
    if kind == "heading":
        text = value.get("text") if isinstance(value, dict) else value
        return [{"type": "heading", "value": str(text or "")[:120]}] if text else []
    if kind in ("paragraph", "divider"):
        return [{"type": kind, "value": value}]
    if kind == "image" and isinstance(value, dict) and value.get("image"):
        return [
            {
                "type": "image",
                "value": {
                    "image": value["image"],
                    "alt_text": value.get("alt_text") or "",
                    "caption": value.get("caption") or "",
                },
            }
        ]
    if kind == "quote" and isinstance(value, dict):
        return [{"type": "quote", "value": value}]
    if kind == "call_to_action" and isinstance(value, dict):
        url = value.get("url") or _page_url(value.get("page"))
        if url and value.get("label"):
            return [
                {
                    "type": "call_to_action",
                    "value": {"label": value["label"], "url": url},
                }
            ]
        return []
    if kind == "embed" and isinstance(value, dict) and value.get("url"):
        label = f"Watch: {value.get('title') or 'the video'}"[:60]
        return [
            {"type": "call_to_action", "value": {"label": label, "url": value["url"]}}
        ]
    if kind == "document" and isinstance(value, dict) and value.get("document"):
        document = get_document_model().objects.filter(pk=value["document"]).first()
        if document is None:
            return []
        label = (value.get("label") or document.title)[:60]
        return [
            {
                "type": "call_to_action",
                "value": {"label": label, "url": _absolute(document.url)},
            }
        ]
    if kind == "statistic" and isinstance(value, dict):
        figure, label = (
            html.escape(value.get("figure", "")),
            html.escape(value.get("label", "")),
        )
        return [_paragraph(f"<p><b>{figure}</b> {label}</p>")]
    if kind in ("demands", "timeline") and isinstance(value, dict):
        items = value.get("demands") or value.get("items") or []
        lines = "".join(
            f"<li>{html.escape((i.get('value', i) or {}).get('title', ''))}</li>"
            for i in items
            if isinstance(i, dict)
        )
        heading = value.get("heading")
        out = [{"type": "heading", "value": heading[:120]}] if heading else []
        return [*out, _paragraph(f"<ul>{lines}</ul>")] if lines else out
    return []  # unknown to email: left out


def stream_from_page_blocks(blocks) -> list[dict]:
    converted = []
    for item in _raw(blocks):
        for block in _convert(item):
            converted.append({**block, "id": str(uuid.uuid4())})
    return converted
