"""Audience groups from the fundraising layer: donors to an appeal, pledgers.

THE ONE PLACE where supporters reaches up to fundraising. It does so only at
query time, through ``django.apps.apps.get_model``, never with an import, so
the layering (fundraising imports supporters, never the reverse) holds and
supporters still works where fundraising is not installed: the groups simply
do not appear. If fundraising later registers its own providers through
``audience.register_group_provider``, delete the matching block here.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet

from .audience import AudienceError, register_group_provider


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _per_appeal(prefix: str, everyone: str, each: str) -> list[tuple[str, str]]:
    """("prefix", everyone) then ("prefix:<appeal id>", each % name) per appeal."""
    appeal = _model("fundraising.Appeal")
    if appeal is None:
        return []
    choices = [(prefix, everyone)]
    for pk, name in appeal.objects.order_by("pk").values_list("pk", "name"):
        choices.append((f"{prefix}:{pk}", each % name))
    return choices


def _for_appeal(queryset: QuerySet, arg: str) -> QuerySet:
    if not arg:
        return queryset
    if not arg.isdigit():
        raise AudienceError(f"Unknown appeal {arg!r}.")
    return queryset.filter(appeal_id=int(arg))


# --- Donors to an appeal -------------------------------------------------------
# A donor is a supporter with a paid card donation (refunds included: they
# still gave) to the appeal.


def _donor_choices() -> list[tuple[str, str]]:
    if _model("fundraising.Donation") is None:
        return []
    return _per_appeal("donors", "Donors to any appeal", "Donors to %s")


def _donor_ids(arg: str) -> QuerySet:
    donation = _model("fundraising.Donation")
    if donation is None:
        raise AudienceError("Donations are not available on this site.")
    paid = donation.objects.filter(supporter__isnull=False, paid_at__isnull=False)
    return _for_appeal(paid.values("supporter_id"), arg)


register_group_provider("donors", choices=_donor_choices, supporter_ids=_donor_ids)


# --- Pledgers ------------------------------------------------------------------
# Someone whose pledge they confirmed (double opt-in), open or since paid;
# cancelled, expired and unconfirmed pledges do not count.


def _pledger_choices() -> list[tuple[str, str]]:
    if _model("pledges.Pledge") is None:
        return []
    return _per_appeal(
        "pledgers", "People who pledged (any appeal)", "People who pledged to %s"
    )


def _pledger_ids(arg: str) -> QuerySet:
    pledge = _model("pledges.Pledge")
    if pledge is None:
        raise AudienceError("Pledges are not available on this site.")
    kept = pledge.objects.filter(
        supporter__isnull=False, status__in=["confirmed", "fulfilled"]
    )
    return _for_appeal(kept.values("supporter_id"), arg)


register_group_provider(
    "pledgers", choices=_pledger_choices, supporter_ids=_pledger_ids
)
