"""StreamField blocks shared by every page type.

Each block has an icon, a description and a preview value for the editor's
block picker, and its own template under ``templates/blocks/``. Validation
that editors meet in a hurry (missing alt text, a link that is neither a page
nor a URL, an embed we cannot play) fails with a message saying what to do.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from fundraising.ledger.selectors import ledger_summary
from fundraising.pledges.blocks import PledgeFormBlock
from supporters.blocks import SignupBlock

from .embeds import SUPPORTED, embed_target

# Rich text stays plain: headings come from the heading block (so the outline
# is right), no embeds or images inside paragraphs.
RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]

https_only = URLValidator(
    schemes=["https"],
    message="Enter a full web address starting with https://",
    # Its own code, so form fields do not swap in their generic "invalid" text.
    code="https_required",
)
ALT_TEXT_MISSING = "Add alternative text describing the image for screen reader users."


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading"), ("h3", "Subheading")],
        default="h2",
        help_text="Use a subheading only under a section heading.",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading.html"
        description = "A section heading or subheading (builds the page outline)"
        preview_value = {"text": "Why pupil data matters", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph.html"
        description = "Text with bold, italic, links and lists"
        preview_value = (
            "<p>Children and parents are rarely told what is recorded about "
            "them, or who receives it.</p>"
        )


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        label="Alternative text",
        help_text=(
            "Required. Describe the image for people who cannot see it. If the "
            "image adds nothing, leave it out."
        ),
        # Checked in clean() so the editor sees what to do, not "required".
        required=False,
    )
    caption = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        icon = "image"
        template = "blocks/image.html"
        description = "An image with alternative text and an optional caption"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("alt_text") or "").strip():
            raise blocks.StructBlockValidationError(
                block_errors={
                    "alt_text": ErrorList([ValidationError(ALT_TEXT_MISSING)])
                }
            )
        return value


class PullQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=500)
    attribution = blocks.CharBlock(max_length=120, required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/pull_quote.html"
        description = "A short quotation, set apart, with who said it"
        preview_value = {
            "quote": "A label given at fourteen should not follow anyone for life.",
            "attribution": "A parent",
        }


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60, help_text="What the button says.")
    page = blocks.PageChooserBlock(required=False, help_text="Link to a page…")
    url = blocks.URLBlock(
        required=False,
        label="URL",
        validators=[https_only],
        help_text="…or to another website (https only).",
    )
    style = blocks.ChoiceBlock(
        choices=[("primary", "Primary"), ("secondary", "Secondary")],
        default="primary",
    )

    class Meta:
        icon = "link"
        template = "blocks/call_to_action.html"
        description = "A button linking to a page or a website"
        preview_value = {"label": "Support the case", "url": "https://example.org/"}

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = "Choose a page or enter a URL (one of them, not both)."
            raise blocks.StructBlockValidationError(
                block_errors={"page": ErrorList([ValidationError(message)])}
            )
        return value


class DocumentDownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    label = blocks.CharBlock(
        max_length=120, required=False, help_text="Defaults to the document title."
    )

    class Meta:
        icon = "doc-full"
        template = "blocks/document.html"
        description = "A download link showing the file type and size"


class VideoEmbedBlock(blocks.StructBlock):
    """A YouTube or Vimeo video that loads nothing until the reader asks."""

    url = blocks.URLBlock(
        label="Video URL",
        help_text=f"The address of a {SUPPORTED} video.",
    )
    title = blocks.CharBlock(max_length=120, help_text="Says what the video is.")
    poster = ImageChooserBlock(
        required=False,
        help_text="Optional still image from our own library (nothing is fetched "
        "from the video site).",
    )

    class Meta:
        icon = "media"
        template = "blocks/embed.html"
        description = "A video that only loads from the video site when clicked"
        preview_value = {
            "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "title": "Our case in two minutes",
        }

    def clean(self, value):
        value = super().clean(value)
        if embed_target(value.get("url")) is None:
            message = f"Enter the address of a {SUPPORTED} video."
            raise blocks.StructBlockValidationError(
                block_errors={"url": ErrorList([ValidationError(message)])}
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["target"] = embed_target(value.get("url"))
        return context


class DemandBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=160, help_text="The demand, in a line.")
    text = blocks.TextBlock(required=False, max_length=600)

    class Meta:
        icon = "tick"
        label = "Demand"


class DemandListBlock(blocks.ListBlock):
    """A list of demands that refuses to be empty."""

    def __init__(self, **kwargs):
        super().__init__(DemandBlock(), **kwargs)

    def clean(self, value):
        if not [item for item in value if item.get("title")]:
            raise blocks.ListBlockValidationError(
                non_block_errors=ErrorList(
                    [ValidationError("Add at least one demand.")]
                )
            )
        return super().clean(value)


class CampaignDemandsBlock(blocks.StreamBlock):
    """The campaign page's own demands list (a field, not a body block)."""

    demand = DemandBlock()

    class Meta:
        template = "blocks/demand_items.html"

    def clean(self, value):
        if not [child for child in value if child.value.get("title")]:
            raise blocks.StreamBlockValidationError(
                non_block_errors=ErrorList(
                    [ValidationError("Add at least one demand.")]
                )
            )
        return super().clean(value)


class DemandsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="What we are asking for")
    demands = DemandListBlock()

    class Meta:
        icon = "list-ul"
        template = "blocks/demands.html"
        description = "A numbered list of what the campaign asks for"
        preview_value = {
            "heading": "What we are asking for",
            "demands": [
                {"title": "Keep pupil data safe", "text": ""},
                {"title": "Tell families what is collected", "text": ""},
            ],
        }


MILESTONE_STATES = [("done", "Done"), ("next", "Next"), ("upcoming", "Upcoming")]


class TimelineItemBlock(blocks.StructBlock):
    date = blocks.DateBlock(required=False, help_text="Leave empty if not yet known.")
    date_label = blocks.CharBlock(
        max_length=40, required=False, help_text='Instead of a date, e.g. "Spring".'
    )
    title = blocks.CharBlock(max_length=160)
    text = blocks.TextBlock(required=False, max_length=600)
    state = blocks.ChoiceBlock(choices=MILESTONE_STATES, default="upcoming")

    class Meta:
        icon = "date"
        label = "Milestone"


class TimelineBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Timeline")
    items = blocks.ListBlock(TimelineItemBlock(), min_num=1)

    class Meta:
        icon = "history"
        template = "blocks/timeline.html"
        description = "Dated steps, each done, next or upcoming"
        preview_value = {
            "heading": "Timeline",
            "items": [
                {
                    "date": datetime.date(2026, 1, 10),
                    "title": "We wrote to the minister",
                    "state": "done",
                },
                {"date_label": "Spring", "title": "Hearing", "state": "upcoming"},
            ],
        }


class StatisticBlock(blocks.StructBlock):
    figure = blocks.CharBlock(max_length=20, help_text='e.g. "1,000+"')
    label = blocks.CharBlock(max_length=120, help_text='e.g. "releases since 2012"')
    source = blocks.CharBlock(max_length=200, required=False)

    class Meta:
        icon = "pick"
        template = "blocks/statistic.html"
        description = "One figure, large, with what it counts"
        preview_value = {"figure": "1,000+", "label": "releases since 2012"}


class SpendingLedgerBlock(blocks.StructBlock):
    """ "Where the money goes": the appeal's budget, spending and surplus
    policy (fundraising.ledger's selector), with a link to the full ledger.

    Not fragment-cached: the figures change when finance staff approve an
    entry, not when the page is published."""

    heading = blocks.CharBlock(max_length=120, default="Where the money goes")
    appeal = SnippetChooserBlock(
        "fundraising.Appeal",
        required=False,
        help_text="Empty: the appeal this page shows.",
    )
    intro = blocks.TextBlock(
        required=False, max_length=400, help_text="A sentence or two above the figures."
    )

    class Meta:
        icon = "table"
        template = "blocks/spending_ledger.html"
        description = (
            "The case's budget by stage, what has been spent and what is still "
            "available, with the surplus policy and a link to every approved cost"
        )
        preview_value = {
            "heading": "Where the money goes",
            "intro": "Every pound raised, every cost approved, in public.",
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page = (parent_context or {}).get("page")
        appeal = value.get("appeal") or getattr(page, "appeal", None)
        context["summary"] = ledger_summary(appeal=appeal) if appeal else None
        return context


# Blocks whose output is the same for every reader, so pages may cache it
# (includes/stream.html). Any other block, such as one that renders a form
# with a CSRF token, keeps its StreamField out of the fragment cache.
CACHE_SAFE_BLOCKS = (
    HeadingBlock,
    ParagraphBlock,
    CaptionedImageBlock,
    PullQuoteBlock,
    CallToActionBlock,
    DocumentDownloadBlock,
    VideoEmbedBlock,
    DemandsBlock,
    TimelineBlock,
    StatisticBlock,
    CampaignDemandsBlock,
)
for _block_class in CACHE_SAFE_BLOCKS:
    _block_class.fragment_cacheable = True


class BodyBlock(blocks.StreamBlock):
    """The body of every page type."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    quote = PullQuoteBlock()
    call_to_action = CallToActionBlock()
    document = DocumentDownloadBlock()
    embed = VideoEmbedBlock()
    demands = DemandsBlock()
    timeline = TimelineBlock()
    statistic = StatisticBlock()
    # Forms from the layers below: sign up for updates, pledge to give later.
    signup = SignupBlock()
    pledge = PledgeFormBlock()
    # Where the money goes: the case's public spending ledger.
    spending = SpendingLedgerBlock()

    class Meta:
        template = "blocks/body.html"
