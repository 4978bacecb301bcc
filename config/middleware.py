"""Site-wide HTTP middleware."""

from django.conf import settings
from django.middleware.csp import (
    ContentSecurityPolicyMiddleware as DjangoContentSecurityPolicyMiddleware,
)


class ContentSecurityPolicyMiddleware(DjangoContentSecurityPolicyMiddleware):
    """Django's CSP middleware, with a separate policy for the Wagtail admin.

    Public pages get the strict ``SECURE_CSP``. Wagtail's editor relies on inline
    styles and frames its own previews, so ``/admin/`` gets ``ADMIN_CSP``.
    A Permissions-Policy header is added everywhere.
    """

    def process_response(self, request, response):
        if request.path.startswith("/admin/") and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return super().process_response(request, response)
