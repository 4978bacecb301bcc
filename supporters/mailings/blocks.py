"""Blocks that make sense in an email, with email-safe templates.

No embeds, scripts, forms or web fonts: tables-free simple markup that
css-inline styles (templates/emails/mailing/blocks/). Each block also says how
it reads as plain text (``email_text``), because every mailing has a text part.
The block names match campaign's page blocks (heading, paragraph, image,
quote, call_to_action) so an update page converts without a mapping table.
"""

from __future__ import annotations

import html
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import expand_db_html

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]

_url = URLValidator(
    schemes=["https", "http"], message="Enter a full web address (https://...)."
)


def absolute(url: str) -> str:
    """Links in email must be absolute: "/donate/" -> BASE_URL + "/donate/"."""
    if url.startswith("/") and not url.startswith("//"):
        return settings.BASE_URL + url
    return url


def html_to_text(markup: str) -> str:
    """Rich text as readable plain text: links as "text (url)", lists with
    dashes, a blank line between paragraphs."""
    text = re.sub(
        r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>',
        lambda m: (
            f"{m.group(2)} ({absolute(html.unescape(m.group(1)))})"
            if m.group(1) not in m.group(2)
            else m.group(2)
        ),
        markup,
        flags=re.S | re.I,
    )
    text = re.sub(r"<li[^>]*>", "- ", text, flags=re.I)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = re.sub(r"</(li|ul|ol)>", "\n", text, flags=re.I)
    text = re.sub(r"</(p|h\d|blockquote)>", "\n\n", text, flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class EmailHeadingBlock(blocks.CharBlock):
    def __init__(self, **kwargs):
        super().__init__(max_length=120, **kwargs)

    class Meta:
        icon = "title"
        template = "emails/mailing/blocks/heading.html"
        description = "A heading"

    def email_text(self, value) -> str:
        return f"{value}\n{'=' * min(len(value), 60)}"


class EmailParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "emails/mailing/blocks/paragraph.html"
        description = "Text with bold, italic, links and lists"

    def email_text(self, value) -> str:
        return html_to_text(expand_db_html(value.source))


class EmailImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        label="Alternative text",
        help_text="Many inboxes hide images: say what the image shows.",
    )
    caption = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        icon = "image"
        template = "emails/mailing/blocks/image.html"
        description = "An image (600 pixels wide) with alternative text"

    def email_text(self, value) -> str:
        text = f"[Image: {value['alt_text']}]"
        return f"{text}\n{value['caption']}" if value.get("caption") else text


class EmailButtonBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60, help_text="What the button says.")
    url = blocks.CharBlock(
        max_length=500,
        label="URL",
        help_text="A full web address (https://...) or a path here (/donate/).",
    )

    class Meta:
        icon = "link"
        template = "emails/mailing/blocks/button.html"
        description = "A button linking to a web address"

    def clean(self, value):
        value = super().clean(value)
        url = value.get("url", "")
        if not url.startswith("/"):
            try:
                _url(url)
            except ValidationError as error:
                raise blocks.StructBlockValidationError(
                    block_errors={"url": ErrorList([error])}
                ) from error
        return value

    def email_text(self, value) -> str:
        return f"{value['label']}: {absolute(value['url'])}"


class EmailQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=500)
    attribution = blocks.CharBlock(max_length=120, required=False)

    class Meta:
        icon = "openquote"
        template = "emails/mailing/blocks/quote.html"
        description = "A short quotation and who said it"

    def email_text(self, value) -> str:
        who = f"\n  - {value['attribution']}" if value.get("attribution") else ""
        return f'  "{value["quote"]}"{who}'


class EmailDividerBlock(blocks.StaticBlock):
    class Meta:
        icon = "horizontalrule"
        template = "emails/mailing/blocks/divider.html"
        admin_text = "A horizontal line between sections."
        description = "A dividing line"

    def email_text(self, value) -> str:
        return "-" * 20


class MailingBodyBlock(blocks.StreamBlock):
    heading = EmailHeadingBlock()
    paragraph = EmailParagraphBlock()
    image = EmailImageBlock()
    call_to_action = EmailButtonBlock(label="Button")
    quote = EmailQuoteBlock()
    divider = EmailDividerBlock()
