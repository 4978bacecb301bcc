"""A paid donation that carries ``pledge_id`` in its metadata fulfils that
pledge, inside the donation's own transaction (fundraising.signals)."""

from __future__ import annotations

from django.dispatch import receiver

from fundraising.signals import donation_succeeded

from .models import Pledge


@receiver(donation_succeeded, dispatch_uid="pledges.fulfil_on_donation")
def fulfil_on_donation(sender, donation, **kwargs) -> None:
    from .services import pledge_fulfil

    value = str((donation.metadata or {}).get("pledge_id", ""))
    if not value.isdigit():
        return
    if donation.parent_id is not None:
        return  # a later monthly instalment: pledges are paid once
    pledge_id = int(value)
    if Pledge.objects.filter(pk=pledge_id, appeal_id=donation.appeal_id).exists():
        pledge_fulfil(pledge_id=pledge_id, donation=donation)
