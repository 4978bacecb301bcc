"""Editors (and Supporter care) may change the welcome email's text under
Settings > Supporter emails; it holds no personal data."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Editors", "Supporter care"]


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("supporters")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="supporters",
        codename="change_supporteremailsettings",
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(permission)


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="supporters",
        codename="change_supporteremailsettings",
    ).first()
    if permission:
        for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0004_supporter_import"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
