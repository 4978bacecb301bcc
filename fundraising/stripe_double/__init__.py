"""An offline stand-in for the Stripe API, for tests and the keyless demo.

The real ``stripe`` SDK talks to it over HTTP (its API base pointed here), so
the project's gateway code runs unchanged. Never used with live keys: see
``fundraising.gateway``.
"""

from .server import StripeDouble, parse_form
from .state import StripeError, StripeState, sign

__all__ = ["StripeDouble", "StripeError", "StripeState", "parse_form", "sign"]
