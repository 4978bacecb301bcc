"""The "Finance" group: keeps the case budget, enters costs and approves other
people's (the two-person rule stops anyone approving their own), may download
private invoices and prepare (not send) the donor update mailing. Editors get
none of this; they may write surplus policies, which are public text."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FINANCE = "Finance"
FINANCE_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("ledger", "manage_finance"),
    ("ledger", "approve_costentry"),
    ("ledger", "view_casestage"),
    ("ledger", "add_casestage"),
    ("ledger", "change_casestage"),
    ("ledger", "delete_casestage"),
    ("ledger", "view_costentry"),
    ("ledger", "add_costentry"),
    ("ledger", "change_costentry"),
    ("ledger", "delete_costentry"),
    ("ledger", "view_surpluspolicy"),
    ("ledger", "add_surpluspolicy"),
    ("ledger", "change_surpluspolicy"),
    ("mailings", "view_mailing"),
    ("mailings", "add_mailing"),
    ("mailings", "change_mailing"),
]
EDITOR_PERMISSIONS = [
    ("ledger", "view_surpluspolicy"),
    ("ledger", "add_surpluspolicy"),
    ("ledger", "change_surpluspolicy"),
]


def _permissions(apps, pairs):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in pairs
    ]


def forwards(apps, schema_editor):
    for label in ("ledger", "mailings"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    finance, _ = Group.objects.get_or_create(name=FINANCE)
    finance.permissions.add(*_permissions(apps, FINANCE_PERMISSIONS))
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.add(*_permissions(apps, EDITOR_PERMISSIONS))


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=FINANCE).delete()
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(*_permissions(apps, EDITOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_case_budget_costs_surplus_policy"),
        ("mailings", "0003_delivery_without_claimed_state"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
