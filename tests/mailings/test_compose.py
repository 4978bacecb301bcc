"""Rendering once, personalising per recipient, and page content to email."""

from __future__ import annotations

import pytest

from supporters.mailings import services
from supporters.mailings.compose import mailing_compile, recipient_values
from supporters.mailings.content import stream_from_page_blocks

pytestmark = pytest.mark.django_db


def test_names_are_escaped_in_html_raw_in_text_and_never_re_expanded(
    mailing_factory,
):
    compiled = mailing_compile(mailing=mailing_factory())
    values = recipient_values(
        supporter_id=1, first_name="<b>O'Brien</b> {{ unsubscribe_url }}", last_name=""
    )
    subject, html, text = compiled.personalise(values)
    assert "&lt;b&gt;O&#x27;Brien&lt;/b&gt; {{ unsubscribe_url }}" in html
    assert "<b>O'Brien</b> {{ unsubscribe_url }}" in text
    assert subject.startswith("News for <b>O'Brien</b>")


def test_empty_first_name_reads_naturally(mailing_factory):
    compiled = mailing_compile(mailing=mailing_factory())
    values = recipient_values(supporter_id=1, first_name="", last_name="")
    _subject, html, _text = compiled.personalise(values)
    assert "Dear friend," in html


def test_inlined_css_and_links_survive_compilation(mailing_factory):
    compiled = mailing_compile(mailing=mailing_factory())
    assert 'href="{{ unsubscribe_url }}"' in compiled.html
    assert "<style" not in compiled.html.split("<body", 1)[1]  # inlined
    assert 'style="' in compiled.html
    assert "Unsubscribe: {{ unsubscribe_url }}" in compiled.text


def test_update_page_blocks_become_email_blocks():
    page_blocks = [
        {"type": "heading", "value": {"text": "Hearing set", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Big news.</p>"},
        {"type": "embed", "value": {"url": "https://youtu.be/x", "title": "Our case"}},
        {"type": "statistic", "value": {"figure": "1,000+", "label": "releases"}},
        {"type": "call_to_action", "value": {"label": "Give", "url": "https://e.org/"}},
        {"type": "unknown_widget", "value": {}},
    ]
    blocks = stream_from_page_blocks(page_blocks)
    assert [b["type"] for b in blocks] == [
        "heading",
        "paragraph",
        "call_to_action",
        "paragraph",
        "call_to_action",
    ]
    assert blocks[0]["value"] == "Hearing set"
    assert blocks[2]["value"] == {
        "label": "Watch: Our case",
        "url": "https://youtu.be/x",
    }


def test_create_from_content_makes_a_draft_and_refuses_an_empty_subject():
    mailing = services.mailing_create_from_content(
        subject="  Hearing   set ",
        preheader="What next",
        body_blocks=[{"type": "paragraph", "value": "<p>Hello {{ first_name }}</p>"}],
        source_page_id=42,
    )
    assert (mailing.status, mailing.subject, mailing.source_page_id) == (
        "draft",
        "Hearing set",
        42,
    )
    assert mailing.body[0].block_type == "paragraph"
    with pytest.raises(services.MailingError, match="subject"):
        services.mailing_create_from_content(subject=" ", body_blocks=[])


def test_preheader_is_the_first_hidden_text_and_block_styles_are_inlined(
    mailing_factory,
):
    mailing = mailing_factory(
        body=[
            {"type": "heading", "value": "Next steps"},
            {"type": "quote", "value": {"quote": "Hello", "attribution": ""}},
        ]
    )
    html = mailing_compile(mailing=mailing).html
    assert 'class="preheader" style="display: none' in html
    assert "The hearing date" in html
    assert '<blockquote class="quote" style="' in html


def test_plain_text_keeps_paragraphs_and_absolute_links(mailing_factory):
    mailing = mailing_factory(
        body=[
            {
                "type": "paragraph",
                "value": '<p>One.</p><p>Two <a href="/about/">about us</a>.</p>',
            },
            {"type": "call_to_action", "value": {"label": "Give", "url": "/donate/"}},
        ]
    )
    text = mailing_compile(mailing=mailing).text
    assert "One.\n\nTwo about us (http://testserver/about/)." in text
    assert "Give: http://testserver/donate/" in text
