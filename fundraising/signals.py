"""Signals other features listen to.

``donation_succeeded(sender=Donation, donation=...)`` fires once per donation
row (a one-off gift or one monthly instalment) when it is first known to be
paid, inside the transaction that records it: a listener's writes commit or
roll back with it. It fires with the donation's row locked and its new facts
not yet saved, and before the appeal's row is locked: listeners lock their own
rows (a pledge) and may then move the appeal, keeping the one lock order
donation -> pledge -> appeal (see services.totals.donation_facts_merge).
Pledges use ``donation.metadata`` (for example
``{"pledge_id": "12"}``, given to ``donation_checkout_start``) to find theirs;
an instalment's metadata is copied from its monthly gift's first row.
"""

from django.dispatch import Signal

donation_succeeded = Signal()
