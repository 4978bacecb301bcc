"""Models of the fundraising app, split by kind."""

from .appeals import Appeal, ExternalContribution
from .donations import (
    GIFT_AID_WORDING,
    GIFT_AID_WORDING_VERSION,
    Donation,
    GiftAidDeclaration,
)
from .events import StripeEvent

__all__ = [
    "GIFT_AID_WORDING",
    "GIFT_AID_WORDING_VERSION",
    "Appeal",
    "Donation",
    "ExternalContribution",
    "GiftAidDeclaration",
    "StripeEvent",
]
