"""Demo content for the site shell (run by ``manage.py seed_demo``)."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Site

from .models import HomePage

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_EMAIL = "admin@example.org"


def demo_admin_password_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-admin-password.txt"


def seed_admin(*, log) -> None:
    """A superuser for the demo. Its password is generated once and kept in var/."""
    password_file = demo_admin_password_file()
    User = get_user_model()
    user = User.objects.filter(username=DEMO_ADMIN_USERNAME).first()
    if user is None or not password_file.exists():
        password = secrets.token_urlsafe(12)
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text(password)
        password_file.chmod(0o600)
        if user is None:
            user = User(
                username=DEMO_ADMIN_USERNAME,
                email=DEMO_ADMIN_EMAIL,
                first_name="Demo",
                last_name="Admin",
                is_staff=True,
                is_superuser=True,
            )
        user.set_password(password)
        user.save()
    log(
        f"Demo admin: http://127.0.0.1:8000/admin/  user {DEMO_ADMIN_USERNAME!r}  "
        f"password {password_file.read_text().strip()!r}"
    )


@transaction.atomic
def seed_home(*, log) -> HomePage:
    home = HomePage.objects.first()
    if home is None:  # a database that lost its home page: rebuild under the root
        raise RuntimeError("No HomePage: run `manage.py migrate` first.")
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Defend Pupil Privacy"
    site.hostname = "127.0.0.1"
    site.port = 8000
    site.save()
    if home.title == "Home":
        home.title = "Defend Pupil Privacy"
        home.intro = (
            "We campaign for children's privacy and for safe, fair and "
            "transparent use of pupils' data in England's schools."
        )
        home.save_revision().publish()
    log(f"Home page: {home.title}")
    return home
