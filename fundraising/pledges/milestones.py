"""Which milestones a pledge can wait for, without importing campaign.

Campaign (the layer above) may register a provider in its AppConfig.ready():

    from fundraising.pledges.milestones import provider_register
    provider_register(lambda appeal: [(m.key, m.title) for m in ...])

The standalone pledge page and the donate page then offer those milestones.
A block on a campaign page passes its page's milestones directly instead
(see blocks.py), so nothing here is required for that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_PROVIDERS: list[Callable] = []


def provider_register(provider: Callable) -> Callable:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def milestones_for(appeal) -> list[tuple]:
    pairs: list[tuple] = []
    for provider in _PROVIDERS:
        pairs.extend(provider(appeal) or ())
    return pairs


def milestones_from_page(page) -> Iterable[tuple]:
    """(key, title) of a page's timeline milestones not yet reached. Duck-typed
    on ``page.milestones`` (campaign.CampaignMilestone rows: key, title,
    reached_at, state) so this module never imports campaign."""
    related = getattr(page, "milestones", None)
    if related is None or not hasattr(related, "all"):
        return []
    return [
        (milestone.key, milestone.title)
        for milestone in related.all()
        if getattr(milestone, "key", None)
        and not getattr(milestone, "reached_at", None)
        and getattr(milestone, "state", "") != "done"
    ]
