"""Signals other features listen to (campaign, a layer above, cannot be
called from here).

``milestone_called_in(sender=MilestoneCallIn, call_in=..., user=...)`` fires
once per milestone, when staff first mark it reached through the call-in
page, after the pledges have fallen due and inside the same transaction.
Campaign can set its timeline milestone's state and ``reached_at`` from
``call_in.milestone_key`` and ``call_in.called_in_at``.
"""

from django.dispatch import Signal

milestone_called_in = Signal()
