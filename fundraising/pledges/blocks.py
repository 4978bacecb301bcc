"""The pledge form as a StreamField block, for campaign pages (campaign adds
it to its body block; this module never imports campaign).

The block shows the form for the chosen appeal, or else its page's appeal
(``page.appeal``), and offers that page's timeline milestones not yet
reached (``page.milestones``), both read by duck typing from the page it is
rendered on.
"""

from __future__ import annotations

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from .forms import PledgeForm
from .milestones import milestones_from_page


class PledgeFormBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Pledge to give later")
    appeal = SnippetChooserBlock(
        "fundraising.Appeal",
        required=False,
        help_text="Empty: the appeal this page shows.",
    )
    intro = blocks.TextBlock(
        required=False,
        max_length=400,
        help_text="A sentence or two above the form.",
    )

    class Meta:
        icon = "calendar-alt"
        template = "blocks/pledge_form.html"
        description = (
            "A form to pledge now and give later (on a date, on payday, or "
            "when the case reaches a milestone on this page's timeline)"
        )
        preview_value = {
            "heading": "Can't give today? Pledge to give later",
            "intro": "Promise an amount now and we'll remind you when it's time.",
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page = (parent_context or {}).get("page")
        appeal = value.get("appeal") or getattr(page, "appeal", None)
        context["appeal"] = appeal
        if appeal is not None and appeal.is_open:
            context["form"] = PledgeForm(
                appeal=appeal, milestones=milestones_from_page(page)
            )
        return context
