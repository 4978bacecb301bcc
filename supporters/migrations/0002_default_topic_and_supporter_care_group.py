"""A first mailing list, and the "Supporter care" group that may see and edit
supporters. Editors get none of these permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SUPPORTER_CARE = "Supporter care"
PERMISSIONS = [
    ("supporters", "supporter", ["view", "add", "change", "delete"]),
    ("supporters", "topic", ["view", "add", "change"]),
    ("supporters", "tag", ["view", "add", "change", "delete"]),
    ("supporters", "datarequest", ["view", "add", "change"]),
]


def forwards(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Topic = apps.get_model("supporters", "Topic")
    Topic.objects.get_or_create(
        slug="campaign-updates",
        defaults={
            "name": "Campaign updates",
            "description": "News on the campaign and the legal case.",
            "sort_order": 1,
        },
    )

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=SUPPORTER_CARE)
    wanted = [
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        Permission.objects.get(
            content_type__app_label="supporters", codename="export_supporter"
        ),
    ]
    for app_label, model, actions in PERMISSIONS:
        for action in actions:
            wanted.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )
    group.permissions.add(*wanted)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SUPPORTER_CARE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
