"""Views of the site shell: health, search, robots.txt, favicon, public media."""

from __future__ import annotations

import posixpath
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.static import serve as static_serve
from wagtail.models import Page

from .middleware import public_cacheable
from .models import WorkerHeartbeat

# Folders under MEDIA_ROOT and who may read them; everything else is 404.
PUBLIC_MEDIA_DIRS = ("images/",)  # Wagtail's image renditions
ADMIN_MEDIA_DIRS = ("original_images/",)  # uploads as they came (may carry EXIF)


@require_safe
def media(request, path: str):
    """Serve public uploads from MEDIA_ROOT (``SERVE_MEDIA``), nothing more.

    Documents are stored under MEDIA_ROOT too but are served only by Wagtail's
    document view, which applies collection privacy; files with personal data
    live in the private storage, outside MEDIA_ROOT.
    """
    normalised = posixpath.normpath(path).lstrip("/")
    if normalised.startswith(PUBLIC_MEDIA_DIRS):
        return static_serve(request, normalised, document_root=settings.MEDIA_ROOT)
    if normalised.startswith(ADMIN_MEDIA_DIRS) and request.user.has_perm(
        "wagtailadmin.access_admin"
    ):
        response = static_serve(request, normalised, document_root=settings.MEDIA_ROOT)
        response["Cache-Control"] = "private, no-store"
        return response
    raise Http404("No such file.")


@never_cache
def health(request):
    """Liveness for load balancers: the database answers; worker age if known."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        heartbeat = WorkerHeartbeat.objects.filter(name="worker").first()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"database": "unavailable"}, status=503)
    worker_age = (
        round((timezone.now() - heartbeat.last_seen).total_seconds())
        if heartbeat
        else None
    )
    return JsonResponse({"database": "ok", "worker_seconds_since_seen": worker_age})


SEARCH_MAX_LENGTH = 200
SEARCH_RESULTS_PER_PAGE = 10


def _clean_query(raw: str) -> str:
    """A query the search backend can always take: no NULs or control
    characters (PostgreSQL refuses NUL), no double quotes (SQLite's FTS5
    reads them as query syntax and fails), whitespace collapsed, length capped."""
    printable = "".join(ch if ch.isprintable() and ch != '"' else " " for ch in raw)
    return " ".join(printable.split())[:SEARCH_MAX_LENGTH]


@public_cacheable
def search(request):
    """Site search over campaigns, updates and standard pages, paginated."""
    from campaign.models import CampaignPage, UpdatePage

    from .models import StandardPage

    query = _clean_query(request.GET.get("q", ""))
    results = None
    if query:
        pages = (
            Page.objects.live()
            .public()
            .type(CampaignPage, UpdatePage, StandardPage)
            .specific()
        )
        found = pages.search(query, operator="and")
        results = Paginator(found, SEARCH_RESULTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "home/search.html",
        {
            "query": query,
            "query_param": urlencode({"q": query}),
            "results": results,
            "max_length": SEARCH_MAX_LENGTH,
        },
    )


@require_GET
@public_cacheable
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /styleguide/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
@public_cacheable
def favicon(request):
    """Browsers ask for /favicon.ico on their own: send them to our icon
    (its hashed static name in production) instead of a 404."""
    return HttpResponsePermanentRedirect(static("icons/favicon.ico"))
