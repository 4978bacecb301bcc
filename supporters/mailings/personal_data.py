"""What mailings hold about a person, for copy-of-my-data and erasure.

A Delivery says which mailing went to whom and what the provider reported.
Erasure unlinks the rows from the person (the mailing's counts stay right,
nobody can be found in them); the suppression hash the supporters app keeps
makes sure the address is never mailed again.
"""

from __future__ import annotations

from .models import Delivery


def deliveries_export(supporter) -> list[dict]:
    rows = (
        Delivery.objects.filter(supporter=supporter)
        .order_by("mailing__started_at", "pk")
        .values(
            "mailing__subject",
            "status",
            "sent_at",
            "delivered_at",
            "bounced_at",
            "complained_at",
            "unsubscribed_at",
        )
    )
    return [
        {
            "mailing": row["mailing__subject"],
            "status": row["status"],
            "sent_at": row["sent_at"],
            "delivered_at": row["delivered_at"],
            "bounced_at": row["bounced_at"],
            "complained_at": row["complained_at"],
            "unsubscribed_at": row["unsubscribed_at"],
        }
        for row in rows
    ]


def deliveries_erase(supporter) -> None:
    Delivery.objects.filter(supporter=supporter).update(supporter=None)
