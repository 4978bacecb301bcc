"""Every StreamField block: described for editors, rendered for readers."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from wagtail.rich_text import RichText

from campaign import blocks, factories
from campaign.embeds import embed_target

pytestmark = pytest.mark.django_db

BODY = blocks.BodyBlock()


def render(block_type: str, value) -> BeautifulSoup:
    block = BODY.child_blocks[block_type]
    return BeautifulSoup(block.render(block.to_python(value)), "html.parser")


@pytest.mark.parametrize("name", list(BODY.child_blocks))
def test_every_block_has_an_icon_description_and_its_own_template(name):
    block = BODY.child_blocks[name]
    assert block.meta.icon and block.meta.icon != "placeholder"
    assert block.meta.description
    assert block.meta.template.startswith("blocks/")


@pytest.mark.parametrize(
    "name", [n for n in BODY.child_blocks if n not in ("image", "document")]
)
def test_blocks_without_a_chosen_file_have_a_preview_value_that_renders(name):
    block = BODY.child_blocks[name]
    value = block.get_preview_value()
    assert value
    assert block.render(value).strip()


def test_heading_renders_at_the_chosen_level():
    assert render("heading", {"text": "Why", "level": "h3"}).find("h3").text == "Why"


def test_paragraph_keeps_only_the_allowed_features():
    assert "h2" not in blocks.RICH_TEXT_FEATURES
    html = BODY.child_blocks["paragraph"].render(RichText("<p>Hello <b>you</b></p>"))
    assert "<b>you</b>" in html


def test_image_block_renders_declared_sizes_with_alt_and_caption():
    image = factories.image_create(size=(1600, 900))
    soup = render(
        "image", {"image": image.pk, "alt_text": "Pupils", "caption": "A class"}
    )
    img = soup.find("img")
    assert img["alt"] == "Pupils"
    assert "width-800" in img["src"]
    assert "width-400" in img["srcset"]
    assert soup.find("figcaption").text == "A class"


def test_image_block_refuses_empty_alt_text():
    image = factories.image_create()
    block = BODY.child_blocks["image"]
    with pytest.raises(ValidationError):
        block.clean(
            block.to_python({"image": image.pk, "alt_text": " ", "caption": ""})
        )


def test_quote_renders_with_attribution():
    soup = render("quote", {"quote": "Enough.", "attribution": "A parent"})
    assert soup.find("blockquote").text.strip() == "Enough."
    assert soup.find("figcaption").text == "A parent"


def test_call_to_action_links_to_a_page_or_url():
    soup = render(
        "call_to_action",
        {
            "label": "Give",
            "page": None,
            "url": "https://example.org/",
            "style": "primary",
        },
    )
    link = soup.find("a")
    assert link["href"] == "https://example.org/"
    assert "button--primary" in link["class"]
    home = factories.site_root()
    soup = render(
        "call_to_action",
        {"label": "Home", "page": home.pk, "url": "", "style": "secondary"},
    )
    assert soup.find("a")["href"] == "/"


def test_call_to_action_refuses_plain_http():
    block = BODY.child_blocks["call_to_action"]
    with pytest.raises(ValidationError):
        block.clean(
            block.to_python(
                {
                    "label": "Go",
                    "page": None,
                    "url": "http://x.org/",
                    "style": "primary",
                }
            )
        )


def test_document_block_shows_type_and_human_size():
    document = factories.document_create(content=b"%PDF-" + b"x" * 924_000)
    soup = render("document", {"document": document.pk, "label": ""})
    assert soup.find("a")["href"] == document.url
    assert soup.find("a").text == document.title
    assert "(PDF, 924 kB)" in soup.text


def test_embed_loads_nothing_from_the_provider_until_clicked():
    soup = render(
        "embed",
        {
            "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "title": "Our case",
            "poster": None,
        },
    )
    # No element that would make the browser fetch anything from elsewhere.
    for tag in soup.find_all(["iframe", "img", "script", "link", "video", "source"]):
        assert not tag.get("src", "").startswith("http"), tag
    figure = soup.find("figure")
    assert figure["data-embed-src"].startswith("https://www.youtube-nocookie.com/")
    # The no-JavaScript fallback: a plain link to the provider.
    assert soup.find("a")["href"] == "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
    assert soup.find("button").has_attr("hidden")  # shown by site.js only


@pytest.mark.parametrize(
    ("url", "provider"),
    [
        ("https://youtu.be/aqz-KE-bpKQ", "YouTube"),
        ("https://www.youtube.com/shorts/aqz-KE-bpKQ", "YouTube"),
        ("https://vimeo.com/76979871", "Vimeo"),
        ("https://player.vimeo.com/video/76979871", "Vimeo"),
    ],
)
def test_embed_understands_the_usual_video_urls(url, provider):
    assert embed_target(url).provider == provider


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/watch?v=aqz-KE-bpKQ",
        "javascript:alert(1)",
        "https://www.youtube.com/watch?v=<script>",
        "https://vimeo.com/not-a-number",
        "",
    ],
)
def test_embed_refuses_urls_it_cannot_play(url):
    assert embed_target(url) is None


def test_demands_block_renders_a_numbered_list_and_refuses_an_empty_one():
    soup = render(
        "demands",
        {"heading": "We ask", "demands": [{"title": "Keep data safe", "text": ""}]},
    )
    assert soup.find("h2").text == "We ask"
    assert [li.strong.text for li in soup.find("ol").find_all("li")] == [
        "Keep data safe"
    ]
    block = BODY.child_blocks["demands"]
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"heading": "We ask", "demands": []}))


def test_timeline_block_marks_each_state():
    soup = render(
        "timeline",
        {
            "heading": "Timeline",
            "items": [
                {
                    "date": datetime.date(2026, 2, 1),
                    "date_label": "",
                    "title": "Letter sent",
                    "text": "",
                    "state": "done",
                },
                {
                    "date": None,
                    "date_label": "Spring",
                    "title": "Hearing",
                    "text": "",
                    "state": "next",
                },
            ],
        },
    )
    items = soup.find_all("li")
    assert "milestone--done" in items[0]["class"]
    assert items[0].find("time")["datetime"] == "2026-02-01"
    assert "Spring" in items[1].text and "milestone--next" in items[1]["class"]


def test_statistic_block_shows_figure_and_label():
    soup = render(
        "statistic", {"figure": "1,000+", "label": "releases since 2012", "source": ""}
    )
    assert soup.find(class_="statistic__figure").text == "1,000+"
    assert soup.find(class_="statistic__label").text == "releases since 2012"
