"""Public URLs of pledges. The signed-link routes come before the appeal slug
routes so a slug can never shadow them."""

from django.urls import path

from . import views

app_name = "pledges"
urlpatterns = [
    path("pledge/confirm/<str:token>/", views.pledge_confirm, name="confirm"),
    path("pledge/manage/<str:token>/", views.pledge_manage, name="manage"),
    path("pledge/give/<str:token>/", views.pledge_give, name="give"),
    path("pledge/<slug:slug>/", views.pledge_page, name="pledge"),
    path("pledge/<slug:slug>/check-your-email/", views.pledge_sent, name="sent"),
]
