"""Admin views of the campaign app."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from fundraising.money import format_pence
from fundraising.pledges.models import MilestoneCallIn
from fundraising.pledges.selectors import pledges_called_in_by

from .selectors import milestones_for_call_in


def milestone_call_ins(request):
    """Each timeline milestone of a campaign with an appeal: the pledges
    waiting for it, and a link to call them in once the case gets there.

    The confirmation and the call-in itself are the pledges app's (it shows
    the count and the money again before anything happens)."""
    if not request.user.has_perm("pledges.change_pledge"):
        raise PermissionDenied
    milestones = list(milestones_for_call_in())
    called_in = {
        call.milestone_key: call
        for call in MilestoneCallIn.objects.filter(
            milestone_key__in=[m.key for m in milestones]
        )
    }
    here = reverse("campaign_milestone_call_ins")
    rows = []
    for milestone in milestones:
        figures = pledges_called_in_by(
            milestone_key=milestone.key, appeal=milestone.page.appeal
        )
        query = urlencode(
            {"appeal": milestone.page.appeal_id, "title": milestone.title, "next": here}
        )
        rows.append(
            {
                "milestone": milestone,
                "campaign": milestone.page,
                "waiting": figures["count"],
                "waiting_amount": format_pence(figures["amount_pence"]),
                "called_in": called_in.get(milestone.key),
                "call_in_url": reverse("pledges_call_in", args=[milestone.key])
                + f"?{query}",
            }
        )
    return render(request, "campaign/admin/milestone_call_ins.html", {"rows": rows})
