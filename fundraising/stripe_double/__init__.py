"""An offline stand-in for the Stripe API, for tests and the keyless demo.

The real ``stripe`` SDK talks to it over HTTP (its API base pointed here), so
the project's gateway code runs unchanged. Never used with live keys: see
``fundraising.gateway``.

objects.py     Stripe-shaped objects from Stripe's fixtures, ids, signatures
validation.py  the checks made on a Checkout Session request
state.py       the in-memory account and the events its changes announce
server.py      the HTTP API, hosted checkout and portal pages, webhook delivery
"""

from .objects import StripeError, fixture, sign
from .server import StripeDouble, parse_form
from .state import StripeState

__all__ = [
    "StripeDouble",
    "StripeError",
    "StripeState",
    "fixture",
    "parse_form",
    "sign",
]
