"""Settings shared by every environment, driven by environment variables.

This file is production-safe on its own: debugging is off, secrets come from the
environment, and the defaults are the embedded ones (SQLite, in-process tasks,
mail written to files) so a fresh clone runs with no set-up. ``dev.py``,
``test.py`` and ``production.py`` only adjust what differs. Every variable read
here is listed in ``.env.example`` and the README.
"""

from __future__ import annotations

from django.utils.csp import CSP

from config.env import (
    BASE_DIR,
    ConfigError,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_str,
    env_url,
)

# --- Core -----------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
BASE_URL = env_url("BASE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "Campaign platform")

VAR_DIR = BASE_DIR / "var"

INSTALLED_APPS = [
    # Our apps, top layer first (imports point down this list).
    "home",
    "campaign",
    "fundraising",
    "fundraising.pledges",
    "fundraising.ledger",
    "supporters",
    "supporters.mailings",
    # Wagtail
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outermost of ours: sees the final cookies before choosing Cache-Control.
    "home.middleware.PublicCacheControlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "home.two_factor.AdminTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------

DATABASES = {"default": env_database("DATABASE_URL")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if not IS_POSTGRES:
    INSTALLED_APPS.remove("django.contrib.postgres")

REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))
CACHE_URL = env_url("CACHE_URL", schemes=("redis", "rediss", "locmem"))
if CACHE_URL.startswith("redis"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "campaign",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Internationalisation and time ---------------------------------------------
# Stored in UTC, shown and scheduled in Europe/London.

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en-gb")
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static and media files ----------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
# Django serves only image renditions (media/images/) from MEDIA_ROOT to the
# public; documents go through Wagtail's document view and its privacy checks
# (config/urls.py). A web server in front must follow the same rule.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Files that must never be public (supporter CSV imports, cost invoices)
# live outside MEDIA_ROOT in the "private" storage, which no URL serves;
# staff reach them only through permission-checked admin views.
PRIVATE_FILES_ROOT = env_str("PRIVATE_FILES_ROOT", str(BASE_DIR / "var" / "private"))
_PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_FILES_ROOT, "base_url": None},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": _PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000  # Wagtail page editor posts many fields

# --- Auth and sessions ---------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user before the password check.
    "axes.backends.AxesStandaloneBackend",
    # Then the per-account back-off (home/login_throttle.py).
    "home.login_throttle.UsernameBackOffBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff login throttling: five failures for a username from one address lock
# that pair out for 15 minutes; success clears the count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "two_factor/locked_out.html"
AXES_VERBOSE = False
# Per account, from any address: after this many wrong passwords each attempt
# waits, the wait doubling up to the cap; never a lock (home/login_throttle.py).
LOGIN_THROTTLE_ENABLED = True
LOGIN_THROTTLE_FREE_FAILURES = env_int("LOGIN_THROTTLE_FREE_FAILURES", 10, minimum=1)
LOGIN_THROTTLE_MAX_DELAY_SECONDS = env_int(
    "LOGIN_THROTTLE_MAX_DELAY_SECONDS", 900, minimum=2
)
WAGTAILADMIN_USER_LOGIN_FORM = "home.forms.LoginForm"
# Every admin user needs a TOTP device (home/two_factor.py).
ADMIN_2FA_REQUIRED = env_bool("ADMIN_2FA_REQUIRED", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security headers ----------------------------------------------------------
# Django's own Content-Security-Policy: public pages load nothing but the site
# itself; scripts need the per-request nonce. The admin gets its own policy
# (config.middleware) because Wagtail's editor uses inline styles and previews
# pages in a same-origin frame.

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF, "https://checkout.stripe.com"],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
ADMIN_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)

# --- Wagtail ---------------------------------------------------------------------

WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
WAGTAILSEARCH_BACKENDS = {
    # The database backend uses PostgreSQL full-text search when on PostgreSQL.
    "default": {"BACKEND": "wagtail.search.backends.database"}
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "csv", "txt"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Documents carry a summary so briefings can be listed with it (campaign app).
WAGTAILDOCS_DOCUMENT_MODEL = "campaign.BriefingDocument"
# Anonymous public pages: Cache-Control max-age in seconds (0 turns it off).
# Short, because browsers cannot be told to forget a page on publish; the
# server-side fragment caches are invalidated on publish (home/cache.py).
PUBLIC_PAGE_MAX_AGE = env_int("PUBLIC_PAGE_MAX_AGE", 60, minimum=0)
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
# A campaign site needs no more than this; a 90-megapixel upload would take
# about 600 MB of a web process's memory to make a thumbnail. Uploads above it
# are refused with a plain-words message (campaign/forms.py).
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_IMAGE_FORM_BASE = "campaign.forms.ImageForm"
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no calls home from the admin
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # staff avatars are not fetched from Gravatar
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"

# --- Background work -------------------------------------------------------------
# With REDIS_URL set, Celery uses Redis as its broker and a worker and beat run
# beside the web process. Without it, tasks run in-process ("eager") so the
# platform works from a fresh clone; production requires REDIS_URL.

TASKS_RUN_IN_PROCESS = not REDIS_URL
# The development server runs the beat schedule itself when there is no
# broker (dev settings turn it on; home/embedded_beat.py).
EMBEDDED_BEAT = False
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = TASKS_RUN_IN_PROCESS
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True  # tasks are idempotent; a killed worker's task reruns
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 150, minimum=1)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish to an unreachable broker must fail fast (the outbox sweeps it later)
# rather than hang the web request.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The beat schedule lives in code (config/celery.py), one beat process only.

# Wagtail's own background work (reference index, file clean-up) goes through
# the Django tasks API; route it to Celery when there is a broker.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TASKS_RUN_IN_PROCESS
            else "config.tasks_backend.CeleryTaskBackend"
        )
    }
}

# --- Email -----------------------------------------------------------------------
# Django 6.1 MAILERS. With EMAIL_ESP set, mail goes through that anymail backend;
# without it, each message is written to a file under var/mail/ for inspection.

EMAIL_ESP = env_str("EMAIL_ESP")
# The credential option each supported anymail backend needs.
_ESP_CREDENTIAL_OPTION = {
    "postmark": "server_token",
    "mailgun": "api_key",
    "sendgrid": "api_key",
    "brevo": "api_key",
    "resend": "api_key",
    "sparkpost": "api_key",
    "amazon_ses": None,  # uses the standard AWS credential chain
}
if EMAIL_ESP:
    if EMAIL_ESP not in _ESP_CREDENTIAL_OPTION:
        supported = ", ".join(sorted(_ESP_CREDENTIAL_OPTION))
        raise ConfigError(f"EMAIL_ESP must be one of: {supported}.")
    _options: dict = {}
    if _option := _ESP_CREDENTIAL_OPTION[EMAIL_ESP]:
        _options[_option] = env_str("EMAIL_ESP_API_KEY", required=True)
    if _api_url := env_url("EMAIL_ESP_API_URL", schemes=("http", "https")):
        _options["api_url"] = _api_url
    MAILERS = {
        "default": {
            "BACKEND": f"anymail.backends.{EMAIL_ESP}.EmailBackend",
            "OPTIONS": _options,
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "supporters.mail_files.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
ANYMAIL = {
    "WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET") or None,
    "SEND_DEFAULTS": {"track_opens": False, "track_clicks": False},
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Campaign <hello@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_REPLY_TO = env_list("EMAIL_REPLY_TO")

# --- Supporters: email outbox, consent, anti-abuse, retention -------------------

INSTALLED_APPS.append("anymail")  # its tracking webhooks (config/urls.py)
# A logged email still unsent after this many minutes is re-enqueued by the
# outbox sweep (beat), e.g. when the broker was unreachable at enqueue time.
EMAIL_OUTBOX_SWEEP_MINUTES = env_int("EMAIL_OUTBOX_SWEEP_MINUTES", 5, minimum=1)
# Consent evidence stores no IP address unless this is on (then only /24 or /48).
CONSENT_KEEP_TRUNCATED_IP = env_bool("CONSENT_KEEP_TRUNCATED_IP", False)
# Public forms: refuse submissions faster than a person or older than a day.
ANTISPAM_MIN_SECONDS = env_int("ANTISPAM_MIN_SECONDS", 3, minimum=0)
ANTISPAM_MAX_AGE_SECONDS = env_int("ANTISPAM_MAX_AGE_SECONDS", 86400, minimum=60)
# Sign-up and data-request forms: POSTs per IP and per address per window.
SIGNUP_RATE_LIMIT = env_int("SIGNUP_RATE_LIMIT", 5, minimum=1)
SIGNUP_RATE_WINDOW_SECONDS = env_int("SIGNUP_RATE_WINDOW_SECONDS", 600, minimum=1)
# Retention (daily task): unconfirmed sign-ups are deleted, long-inactive
# supporters are flagged for staff review.
SUPPORTERS_UNCONFIRMED_RETENTION_DAYS = env_int(
    "SUPPORTERS_UNCONFIRMED_RETENTION_DAYS", 30, minimum=1
)
SUPPORTERS_INACTIVE_REVIEW_MONTHS = env_int(
    "SUPPORTERS_INACTIVE_REVIEW_MONTHS", 24, minimum=1
)

# --- Mailings (supporters.mailings): bulk email in batches ---------------------

# The provider's batch limit (anymail does not split batches): Postmark 500,
# Mailgun and SendGrid 1,000, Amazon SES 50.
_ESP_BATCH_LIMIT = {
    "postmark": 500,
    "mailgun": 1000,
    "sendgrid": 1000,
    "amazon_ses": 50,
}
MAILINGS_BATCH_SIZE = env_int(
    "MAILINGS_BATCH_SIZE", _ESP_BATCH_LIMIT.get(EMAIL_ESP, 500), minimum=1
)
# Messages per minute across every worker (counted in Redis).
MAILINGS_RATE_PER_MINUTE = env_int("MAILINGS_RATE_PER_MINUTE", 120_000, minimum=1)
# A worker's claim on a batch; after it, a dead worker's batch is reclaimed.
# Longer than a provider call can take (anymail's requests time out at 30 s).
MAILINGS_LEASE_SECONDS = env_int("MAILINGS_LEASE_SECONDS", 300, minimum=60)
# Parallel send tasks per mailing, and how long each runs before handing over.
MAILINGS_WORKERS = env_int("MAILINGS_WORKERS", 2, minimum=1)
MAILINGS_TASK_SECONDS = env_int("MAILINGS_TASK_SECONDS", 60, minimum=5)
# The provider's stored pass-through template (see README, "Mailings").
MAILINGS_ESP_TEMPLATE = env_str("MAILINGS_ESP_TEMPLATE", "campaign-mailing")
# Spam complaints at or above this percentage of sent pause the mailing.
try:
    MAILINGS_COMPLAINT_PAUSE_PERCENT = float(
        env_str("MAILINGS_COMPLAINT_PAUSE_PERCENT", "0.3")
    )
except ValueError as _error:
    raise ConfigError("MAILINGS_COMPLAINT_PAUSE_PERCENT must be a number.") from _error
# Open and click tracking stay off unless this is on (aggregate counts only).
MAILINGS_TRACK_AGGREGATE = env_bool("MAILINGS_TRACK_AGGREGATE", False)

# --- Stripe ----------------------------------------------------------------------
# Empty keys: card donations are switched off and the CrowdJustice route shown.

STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
# Points the stripe SDK at another API host (the offline double in tests/demo).
STRIPE_API_BASE = env_url("STRIPE_API_BASE", schemes=("http", "https"))
# Seconds to wait for each Stripe API call (the SDK retries twice).
STRIPE_TIMEOUT_SECONDS = env_int("STRIPE_TIMEOUT_SECONDS", 10, minimum=1)

# --- Fundraising -----------------------------------------------------------------
# Limits of a card gift typed on the donate form, in pence (default £1 to £10,000).
DONATION_MIN_PENCE = env_int("DONATION_MIN_PENCE", 100, minimum=1)
DONATION_MAX_PENCE = env_int("DONATION_MAX_PENCE", 1_000_000, minimum=100)

# --- Pledges ----------------------------------------------------------------------
# Cancelled and expired pledges lose the link to their pledger after this many
# months; confirmed pledges still unpaid this many days after falling due (and
# after both reminders) lapse and leave the "pledged" total.
PLEDGES_RETENTION_MONTHS = env_int("PLEDGES_RETENTION_MONTHS", 12, minimum=1)
PLEDGES_LAPSE_DAYS = env_int("PLEDGES_LAPSE_DAYS", 30, minimum=4)

# --- Logging ---------------------------------------------------------------------

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
# "json" in production for log shippers; "plain" for people reading a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ConfigError("LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "config.logging.PersonalDataFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
    },
}

SENTRY_DSN = env_str("SENTRY_DSN")
