"""Template tags of the ledger: money in the appeal's currency, the surplus
policy for the donate page's small print, and the ledger's summary."""

from __future__ import annotations

from django import template

from fundraising.money import format_pence

register = template.Library()


@register.filter
def money(pence, currency: str = "GBP") -> str:
    """1250 -> "£12.50" (negative figures keep their sign)."""
    try:
        return format_pence(int(pence), currency or "GBP")
    except (TypeError, ValueError):
        return ""


@register.simple_tag
def surplus_policy(appeal) -> str:
    """The appeal's surplus policy text ('' when none), one query."""
    from fundraising.ledger.selectors import surplus_policy_text

    if appeal is None or appeal.pk is None:
        return ""
    return surplus_policy_text(appeal=appeal)
