"""Template tags: the appeal progress bar, money formatting, test mode.

``{% appeal_progress appeal %}`` reads only the appeal's stored totals (no
queries beyond the appeal itself), so any page can show it cheaply.
"""

from __future__ import annotations

from django import template

from fundraising import gateway
from fundraising.money import format_pence

register = template.Library()


@register.filter
def pence(value) -> str:
    """1250 -> "£12.50"."""
    try:
        return format_pence(int(value))
    except (TypeError, ValueError):
        return ""


@register.simple_tag
def featured_appeal():
    """The newest open appeal (one query), for the home page's call to action."""
    from fundraising.models import Appeal

    return Appeal.objects.filter(is_open=True).order_by("-created_at", "-id").first()


@register.simple_tag
def stripe_test_mode() -> bool:
    return gateway.is_test_mode()


def progress_context(appeal) -> dict:
    raised = appeal.raised_pence
    target = appeal.target_pence or 1
    stretch = appeal.stretch_target_pence
    stretch_active = bool(stretch and raised >= target)
    goal = stretch if stretch_active else target
    percent = min(raised * 100 // goal, 100) if goal else 0
    days_left = appeal.days_left
    parts = [
        f"{format_pence(raised)} raised of a {format_pence(goal)} "
        f"{'stretch target' if stretch_active else 'target'} ({percent}%)",
        f"from {appeal.supporters_count} supporters",
    ]
    if days_left is not None:
        parts.append(f"{days_left} days left")
    summary = ", ".join(parts) + "."
    if appeal.pledged_pence:
        summary += f" A further {format_pence(appeal.pledged_pence)} has been pledged."
    return {
        "raised": raised,
        "goal": goal,
        "shown": min(raised, goal),
        "percent": percent,
        "stretch_active": stretch_active,
        "days_left": days_left,
        "summary": summary,
    }


@register.inclusion_tag("fundraising/includes/appeal_progress.html")
def appeal_progress(appeal, show_donate_link: bool = True, nested: bool = False):
    """The progress bar and both routes. ``nested=True`` inside a section that
    already has an h2 (its own title becomes an h3)."""
    if appeal is None:
        return {"appeal": None}
    return {
        "appeal": appeal,
        "show_donate_link": show_donate_link,
        "heading": "h3" if nested else "h2",
        **progress_context(appeal),
    }
