"""Site-wide HTTP middleware."""

from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.csp import (
    ContentSecurityPolicyMiddleware as DjangoContentSecurityPolicyMiddleware,
)


def stripe_double_origin() -> str | None:
    """Where the offline Stripe double serves its stand-in checkout page.

    Only set in tests and the keyless demo (``STRIPE_API_BASE``); real Stripe
    Checkout is already allowed by ``SECURE_CSP``.
    """
    if not settings.STRIPE_API_BASE:
        return None
    parts = urlsplit(settings.STRIPE_API_BASE)
    return f"{parts.scheme}://{parts.netloc}"


class ContentSecurityPolicyMiddleware(DjangoContentSecurityPolicyMiddleware):
    """Django's CSP middleware, with a separate policy for the Wagtail admin.

    Public pages get the strict ``SECURE_CSP``. Wagtail's editor relies on inline
    styles and frames its own previews, so ``/admin/`` gets ``ADMIN_CSP``.
    Donation forms redirect to Stripe Checkout after the POST, which CSP's
    ``form-action`` governs; when the offline double stands in for Stripe its
    origin is allowed there too. A Permissions-Policy header is added everywhere.
    """

    def process_response(self, request, response):
        if not hasattr(response, "_csp_config"):
            if request.path.startswith("/admin/"):
                response._csp_config = settings.ADMIN_CSP
            elif origin := stripe_double_origin():
                policy = {
                    key: list(value) for key, value in settings.SECURE_CSP.items()
                }
                policy["form-action"] = [*policy.get("form-action", []), origin]
                response._csp_config = policy
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return super().process_response(request, response)
