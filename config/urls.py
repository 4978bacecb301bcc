"""URL routing. Each app owns its URLs; Wagtail serves every other path."""

from django.conf import settings
from django.urls import include, path, re_path
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
    # Image renditions for single-machine deployments; larger ones put them on
    # a CDN or object storage and leave SERVE_MEDIA off. Nothing else under
    # MEDIA_ROOT is served: documents only through /documents/ (Wagtail's view
    # with its privacy checks), original images only to admin users.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", home_views.media, name="media"),
    ]

urlpatterns += [
    # Wagtail's password-only front-end login form is replaced: restricted
    # pages and documents send visitors through the admin's sign-in and the
    # second factor (home/two_factor.py).
    path("_util/login/", two_factor.front_end_login, name="front_end_login"),
    path("", include(wagtail_urls)),
]
