import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Depends on an early wagtailcore migration so that 0002 can create the
    # home page before Wagtail's locale migration, as Wagtail's project
    # template does.
    initial = True
    dependencies = [("wagtailcore", "0040_page_draft_title")]
    operations = [
        migrations.CreateModel(
            name="HomePage",
            fields=[
                (
                    "page_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="wagtailcore.page",
                    ),
                ),
            ],
            options={"abstract": False},
            bases=("wagtailcore.page",),
        ),
    ]
