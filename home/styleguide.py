"""The living style guide: every public component, rendered by the same
template includes the pages use, for staff checking the design in one place.

Not linked from the site, never cached, never indexed; staff sign in first.
"""

from __future__ import annotations

import datetime

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campaign.models import CampaignPage
from fundraising.forms import DonateForm
from fundraising.models import Appeal
from fundraising.pledges.forms import PledgeForm

# The tokens of static/css/site.css shown as swatches (name, what it is for).
COLOUR_TOKENS = [
    ("--ink", "Body text"),
    ("--muted", "Secondary text"),
    ("--accent", "Links, buttons, progress"),
    ("--accent-dark", "Hover"),
    ("--accent-soft", "Progress track"),
    ("--tint", "Panels, footer"),
    ("--line", "Borders"),
    ("--done", "Success, done milestones"),
    ("--warn-soft", "Warnings, test mode"),
    ("--error", "Errors"),
    ("--focus", "Focus ring"),
]
TYPE_SCALE = ["--step--1", "--step-0", "--step-1", "--step-2", "--step-3", "--step-4"]


def sample_appeal() -> Appeal:
    """An unsaved appeal with every figure filled in (nothing is written)."""
    return Appeal(
        pk=0,
        name="Sample appeal: legal costs",
        slug="sample-appeal",
        purpose="What gifts pay for, in a sentence or two.",
        target_pence=2_500_000,
        stretch_target_pence=4_000_000,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        crowdjustice_url="https://www.crowdjustice.com/case/example/",
        suggested_amounts="10, 25, 50, 100",
        amount_impacts="10 = copies a court bundle\n25 = an hour of legal research",
        raised_pence=1_234_500,
        donor_count=180,
        external_supporters=40,
        pledged_pence=42_000,
        crowdjustice_pence=600_000,
        crowdjustice_as_of=timezone.localdate(),
    )


@require_GET
@never_cache
@staff_member_required(login_url="wagtailadmin_login")
def styleguide(request):
    appeal = sample_appeal()
    donate_form = DonateForm(appeal=appeal)
    invalid_pledge = PledgeForm({"amount": "lots"}, appeal=appeal, milestones=[])
    invalid_pledge.is_valid()
    response = render(
        request,
        "home/styleguide.html",
        {
            "appeal": appeal,
            "donate_form": donate_form,
            "pledge_form": PledgeForm(appeal=appeal, milestones=[]),
            "invalid_pledge": invalid_pledge,
            "campaign": CampaignPage.objects.live().first(),
            "statistic": {
                "figure": "1,000+",
                "label": "releases of named pupil data since 2012",
                "source": "the statistic block",
            },
            "colours": COLOUR_TOKENS,
            "type_scale": TYPE_SCALE,
        },
    )
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
