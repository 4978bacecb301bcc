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


ABOUT_BODY = [
    (
        "paragraph",
        "<p>We are a small non-profit group based in the UK. We work for "
        "children's privacy, and for pupils' data to be used safely, fairly and "
        "openly across education in England.</p>"
        "<p>A few staff, a director and volunteer editors run the campaign, "
        "with the backing of a few thousand supporters.</p>",
    ),
    ("heading", "How we work"),
    (
        "paragraph",
        "<p>We research how pupil data are collected and shared, explain it in "
        "plain words, and press for change, in court when we must. We try to "
        "practise what we ask of others: this site collects little, explains "
        "everything and tracks nobody.</p>",
    ),
]

PRIVACY_BODY = [
    ("heading", "What we collect"),
    (
        "paragraph",
        "<p>Reading this site collects nothing about you: there are no "
        "analytics, no advertising and no tracking cookies, and nothing is "
        "loaded from other websites. A video only loads from its provider if "
        "you choose to play it.</p>"
        "<p>If you sign up, donate or pledge, we keep what that needs (your "
        "name, email address and the gift) and the record of what you agreed "
        "to.</p>",
    ),
    ("heading", "Your rights"),
    (
        "paragraph",
        "<p>You can ask for a copy of your data, correct it, or have it "
        "deleted, at any time. Every email we send has a one-click way to "
        "stop receiving them.</p>",
    ),
]

CONTACT_BODY = [
    (
        "paragraph",
        "<p>Email us at hello@example.org. We read everything, though we "
        "cannot always reply quickly around court deadlines.</p>",
    ),
]


def _rich_body(items) -> list:
    from wagtail.rich_text import RichText

    return [
        ("heading", {"text": value, "level": "h2"})
        if kind == "heading"
        else ("paragraph", RichText(value))
        for kind, value in items
    ]


def _standard_page(home, *, slug, title, intro, body, show_in_menus=True):
    from .models import StandardPage

    page = StandardPage.objects.child_of(home).filter(slug=slug).first()
    if page is None:
        page = StandardPage(
            slug=slug,
            title=title,
            intro=intro,
            body=_rich_body(body),
            show_in_menus=show_in_menus,
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    return page


@transaction.atomic
def seed_site(*, log) -> None:
    """Home page content, about / privacy / contact pages and site settings.
    Runs after the campaign seeder (the home page features the campaign)."""
    from campaign.models import CampaignPage

    from .models import SiteSettings

    home = HomePage.objects.get()
    campaign = CampaignPage.objects.live().first()
    if not home.hero_headline:
        home.hero_headline = "Children's data should not follow them for life"
        home.intro = (
            "We stand up for pupils' privacy in England. Right now we are "
            "challenging new rules that label children in alternative "
            "provision for good."
        )
        home.featured_campaign = campaign
        if campaign is not None and campaign.hero_image_id:
            home.hero_image = campaign.hero_image
            home.hero_image_alt = (
                campaign.hero_image_alt or "The campaign's banner image"
            )
        home.save_revision().publish()
    _standard_page(
        home,
        slug="about",
        title="About us",
        intro="Who we are and how we work.",
        body=ABOUT_BODY,
    )
    privacy = _standard_page(
        home,
        slug="privacy",
        title="Privacy notice",
        intro="What we collect, why, and your rights. In short: very little.",
        body=PRIVACY_BODY,
        show_in_menus=False,
    )
    _standard_page(
        home,
        slug="contact",
        title="Contact",
        intro="How to reach us.",
        body=CONTACT_BODY,
        show_in_menus=False,
    )
    site = Site.objects.get(is_default_site=True)
    site_settings = SiteSettings.for_site(site)
    if site_settings.organisation_name in ("", "Our campaign"):
        site_settings.organisation_name = "Defend Pupil Privacy"
        site_settings.contact_email = "hello@example.org"
        site_settings.registration_number = "00000000"
        site_settings.footer_text = (
            "A small non-profit campaigning for children's privacy and the fair "
            "use of pupil data in England. This is a demonstration site."
        )
        site_settings.bluesky_url = "https://bsky.app/profile/example.org"
        site_settings.mastodon_url = "https://mastodon.social/@example"
    if site_settings.privacy_notice_id is None:
        site_settings.privacy_notice = privacy
    if not site_settings.default_crowdjustice_url and campaign is not None:
        site_settings.default_crowdjustice_url = campaign.crowdjustice_url
    if site_settings.default_share_image_id is None and campaign is not None:
        site_settings.default_share_image = campaign.hero_image
    site_settings.save()
    log("Site pages and settings ready")


def seed_editorial_workflow(*, log) -> None:
    from .editorial import WORKFLOW_NAME, editorial_setup_ensure

    editorial_setup_ensure(site_root=HomePage.objects.get())
    log(f"Groups Editors and Approvers; workflow {WORKFLOW_NAME!r}")
