"""Browser tests: Playwright driving Debian's Chromium against a live server.

The live server is pytest-django's (a thread in this process, on the test
database); tests that need background work start a real Celery worker against
the same database and Redis (``celery_worker_factory`` in tests/conftest.py).
Chromium is launched headless with every outbound feature switched off, so the
only host it talks to is the live server.

Screenshots of each journey's last step go to ``artifacts/browser/``.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT, tool_missing, wait_for

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses
# to run inside one unless told that this is deliberate (test code only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = ROOT / "artifacts" / "browser"
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Empty the database before a browser test restores what migrations made.

    The browser tests use serialized rollback: the pages, site, groups and
    workflow that migrations create come back before each test (a
    transactional test's teardown empties every table). A transactional test
    elsewhere without it flushes *with* the post_migrate signal, which makes
    content types and permissions again under new ids, and Django's restore
    would then collide with them. A flush without that signal first (only once
    the test database exists) leaves the tables empty for the restore.
    """
    if "tests/browser/" not in str(item.fspath):
        return
    from django.core.management import call_command
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    if not hasattr(connection, "_test_serialized_contents"):
        contents = serialized_contents_elsewhere()
        if contents is None:
            return  # no database yet: it is created (with that data) next
        connection._test_serialized_contents = contents
    with item.config.stash[blocking_manager_key].unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)


def serialized_contents_elsewhere() -> str | None:
    """What Django serialized when it made the test database, if the default
    connection object has been replaced since (Django keeps it as an
    attribute of the connection object current at set-up; in the whole suite
    a later object can stand in for it, and the restore would silently not
    happen)."""
    import gc

    from django.db.backends.base.base import BaseDatabaseWrapper

    for obj in gc.get_objects():
        if (
            isinstance(obj, BaseDatabaseWrapper)
            and obj.alias == "default"
            and getattr(obj, "_test_serialized_contents", None)
        ):
            return obj._test_serialized_contents
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        tool_missing("browser tests need Chromium (.ci/browser-setup installs it)")
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def site_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def requested_hosts(page):
    """Every host the page asked for, recorded as the test runs."""
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    return hosts


@pytest.fixture
def csp_violations(page):
    messages: list[str] = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return messages


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.2 A/AA rules) in the page and return bad findings.

    The script is evaluated through the DevTools protocol, so the page's own
    Content-Security-Policy stays untouched.
    """
    if not AXE_SOURCE.exists():
        tool_missing("axe-core is missing: run .ci/browser-setup (npm ci)")
    page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',
                                            'wcag21aa', 'wcag22aa']}
        })"""
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"][:5]],
        }
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 is good)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - window.innerWidth"
    )


def save_screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- the live site, as the journeys need it ----------------------------------


def migration_data_ensure() -> None:
    """Restore what migrations made if Django's restore did not happen (seen
    once in the whole suite, for the first browser test after other
    transactional tests): flush without post_migrate, then deserialize."""
    from django.core.management import call_command
    from django.db import connection
    from wagtail.models import Page

    if Page.objects.exists():
        return
    contents = getattr(connection, "_test_serialized_contents", None)
    contents = contents or serialized_contents_elsewhere()
    if contents:
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(contents)


def sequences_reset() -> None:
    """Move every id sequence past the rows the restore wrote with explicit
    ids (as ``loaddata`` does), so new rows never collide with them."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@pytest.fixture(autouse=True)
def live_site(settings, live_server, transactional_db):
    """The live server, with the absolute links it makes pointing at itself.

    ANTISPAM_MIN_SECONDS is 0 because Playwright fills a form faster than the
    three seconds a person needs (the rule has its own tests in
    tests/supporters/test_antispam.py); rate-limit counters start empty;
    id sequences move past the rows the serialized rollback restored.
    """
    from django.core.cache import cache

    migration_data_ensure()
    sequences_reset()
    settings.BASE_URL = live_server.url
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.ANTISPAM_MIN_SECONDS = 0
    cache.clear()
    return live_server.url


@pytest.fixture
def demo_site(settings, tmp_path):
    """The seeded demo (``manage.py seed_demo``): every page type with content."""
    import io

    from django.core.management import call_command

    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())


def path_of(url: str) -> str:
    """An absolute link's path and query, to open on the live server (the
    worker's settings make links with its own BASE_URL)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- email written by a real worker ------------------------------------------


class Mailbox:
    """What a real Celery worker sent, read from the mail folder: one
    ``.eml`` file per message (supporters/mail_files.py), each renamed into
    place only once complete."""

    def __init__(self, folder: Path):
        self.folder = folder

    def messages(self) -> list[email.message.EmailMessage]:
        found = []
        for path in sorted(self.folder.glob("*.eml")):
            found.append(
                email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            )
        return found

    def to(self, address: str) -> list[email.message.EmailMessage]:
        address = address.lower()
        return [m for m in self.messages() if address in str(m["To"]).lower()]

    def wait_for(
        self, *, to: str, subject: str = "", count: int = 1, timeout: float = 60
    ) -> email.message.EmailMessage:
        """The ``count``-th message to ``to`` whose subject contains ``subject``."""

        def arrived():
            matching = [m for m in self.to(to) if subject in str(m["Subject"])]
            return matching[count - 1] if len(matching) >= count else None

        return wait_for(
            arrived, timeout=timeout, what=f"email {count} to {to} about {subject!r}"
        )


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, path: str) -> str:
    """The first link in the plain-text body whose path starts with ``path``."""
    match = re.search(
        r"https?://[^/\s]+(" + re.escape(path) + r"[^\s<>\"]*)", text_of(message)
    )
    assert match, f"no {path} link in:\n{text_of(message)}"
    return match.group(1)


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def mailbox(mail_dir) -> Mailbox:
    return Mailbox(mail_dir)


@pytest.fixture
def start_worker(celery_worker_factory, celery_broker, mail_dir):
    """Start a real worker through Redis that writes its email to ``mailbox``.

    The live server (a thread of this process) publishes tasks to Redis too,
    because ``celery_broker`` switches eager mode off for the whole process.
    """

    def start(*, extra_env: dict | None = None, concurrency: int = 1):
        return celery_worker_factory(
            concurrency=concurrency,
            extra_env={"WORKER_MAIL_DIR": str(mail_dir), **(extra_env or {})},
        )

    return start


# --- the Stripe double, as a browser meets it ---------------------------------


@pytest.fixture
def stripe_live(settings, live_server):
    """The offline Stripe double on a loopback port, sending its signed
    webhooks over HTTP to the live server, as Stripe would. ``worker_env``
    points a worker's settings at it as well."""
    from fundraising.stripe_double import StripeDouble

    double = StripeDouble(
        webhook_secret="whsec_test_double",
        deliver_to=f"{live_server.url}/stripe/webhook/",
    ).start()
    settings.STRIPE_SECRET_KEY = "sk_test_double"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_double"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_double"
    settings.STRIPE_API_BASE = double.url
    double.worker_env = {
        "STRIPE_SECRET_KEY": "sk_test_double",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_double",
        "STRIPE_WEBHOOK_SECRET": "whsec_test_double",
        "STRIPE_API_BASE": double.url,
    }
    yield double
    double.stop()


# --- staff in the Wagtail admin -----------------------------------------------

STAFF_PASSWORD = "a long browser-test password"


def staff_user(username: str, *, groups=(), superuser: bool = False):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    manager = user_model.objects
    make = manager.create_superuser if superuser else manager.create_user
    user = make(username, f"{username}@example.org", STAFF_PASSWORD)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def admin_login(page, site_url: str, user) -> None:
    """Sign in through the admin's own login form (two-factor is off in the
    test settings: ADMIN_2FA_REQUIRED=False)."""
    page.goto(f"{site_url}/admin/login/")
    page.locator("input[name=username]").fill(user.get_username())
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/(?!login)"))
