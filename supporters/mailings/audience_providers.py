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


# --- Donors to an appeal -------------------------------------------------------
# A donor is a supporter with a paid card donation (refunds included: they
# still gave) to the appeal.


def _donor_choices() -> list[tuple[str, str]]:
    appeal = _model("fundraising.Appeal")
    if appeal is None:
        return []
    choices = [("donors", "Donors to any appeal")]
    for pk, name in appeal.objects.order_by("pk").values_list("pk", "name"):
        choices.append((f"donors:{pk}", f"Donors to {name}"))
    return choices


def _donor_ids(arg: str) -> QuerySet:
    donation = _model("fundraising.Donation")
    if donation is None:
        raise AudienceError("Donations are not available on this site.")
    queryset = donation.objects.filter(
        supporter__isnull=False, paid_at__isnull=False
    ).values("supporter_id")
    if arg:
        if not arg.isdigit():
            raise AudienceError(f"Unknown appeal {arg!r}.")
        queryset = queryset.filter(appeal_id=int(arg))
    return queryset


register_group_provider("donors", choices=_donor_choices, supporter_ids=_donor_ids)


# --- Pledgers ------------------------------------------------------------------
# Someone whose pledge they confirmed (double opt-in), open or since paid;
# cancelled, expired and unconfirmed pledges do not count.


def _pledger_choices() -> list[tuple[str, str]]:
    if _model("pledges.Pledge") is None:
        return []
    choices = [("pledgers", "People who pledged (any appeal)")]
    appeal = _model("fundraising.Appeal")
    for pk, name in appeal.objects.order_by("pk").values_list("pk", "name"):
        choices.append((f"pledgers:{pk}", f"People who pledged to {name}"))
    return choices


def _pledger_ids(arg: str) -> QuerySet:
    pledge = _model("pledges.Pledge")
    if pledge is None:
        raise AudienceError("Pledges are not available on this site.")
    queryset = pledge.objects.filter(
        supporter__isnull=False, status__in=["confirmed", "fulfilled"]
    ).values("supporter_id")
    if arg:
        if not arg.isdigit():
            raise AudienceError(f"Unknown appeal {arg!r}.")
        queryset = queryset.filter(appeal_id=int(arg))
    return queryset


register_group_provider(
    "pledgers", choices=_pledger_choices, supporter_ids=_pledger_ids
)
