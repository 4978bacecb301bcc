"""Production: secrets required, HTTPS enforced, a real broker.

Start-up fails with one line naming the variable when something a deployment
must set is missing, rather than failing on the first request that needs it.
"""

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    ANYMAIL,
    BASE_URL,
    EMAIL_ESP,
    REDIS_URL,
    SECRET_KEY,
    SENTRY_DSN,
    ConfigError,
    env_bool,
    env_int,
)

DEBUG = False

for _name, _value in {
    "SECRET_KEY": SECRET_KEY,
    "REDIS_URL": REDIS_URL,
    "EMAIL_ESP": EMAIL_ESP,
    # Without it the tracking webhook is off and bounces go unrecorded; with an
    # open webhook anyone could suppress or unsubscribe any supporter.
    "ANYMAIL_WEBHOOK_SECRET": ANYMAIL["WEBHOOK_SECRET"],
}.items():
    if not _value:
        raise ConfigError(f"{_name} is required in production but not set.")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ConfigError("SECRET_KEY must be at least 50 random characters.")
if not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS is required in production but not set.")
if ":" not in ANYMAIL["WEBHOOK_SECRET"]:
    raise ConfigError("ANYMAIL_WEBHOOK_SECRET must be user:password.")
if not BASE_URL.startswith("https://"):
    raise ConfigError("BASE_URL must start with https:// in production.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that strips and sets this header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

if SENTRY_DSN:
    import sentry_sdk

    from config.logging import sentry_before_send

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        send_default_pii=False,
        traces_sample_rate=0,
        before_send=sentry_before_send,
        max_request_body_size="never",
    )
