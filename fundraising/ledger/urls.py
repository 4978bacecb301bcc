"""Public URLs of the ledger: stable, one set per appeal."""

from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("appeals/spending-schema/", views.schema, name="schema"),
    path("appeals/<slug:slug>/spending/", views.spending_page, name="page"),
    path("appeals/<slug:slug>/spending.csv", views.spending_csv, name="csv"),
    path("appeals/<slug:slug>/spending.json", views.spending_json, name="json"),
]
