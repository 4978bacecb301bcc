"""URL routing. Each app owns its URLs; Wagtail serves every other path."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import two_factor
from home import views as home_views
from home.middleware import public_cacheable

urlpatterns = [
    path("admin/2fa/", include(two_factor)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz/", home_views.health, name="health"),
    path("sitemap.xml", public_cacheable(sitemap), name="sitemap"),
    path("", include("home.urls")),
    path("", include("campaign.urls")),
    path("", include("fundraising.urls")),
    path("", include("fundraising.pledges.urls")),
    path("", include("fundraising.ledger.urls")),
    path("", include("supporters.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded images for single-machine deployments; larger ones put media on
    # a CDN or object storage and leave SERVE_MEDIA off.
    urlpatterns += [
        re_path(
            r"^media/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [path("", include(wagtail_urls))]
