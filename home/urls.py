"""Public URLs of the site shell (pages themselves are served by Wagtail)."""

from django.urls import path

from . import styleguide, views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("styleguide/", styleguide.styleguide, name="styleguide"),
]
