"""Settings read from the environment only.

Nothing set gives the embedded defaults a laptop needs: SQLite in WAL mode, the in-memory
channel layer, files under ``var/`` and email printed to the console, but neither debug mode
nor a secret key: ``make run`` asks for both (DEBUG=true, a key generated once in ``var/``).
Production sets ``DEBUG=false`` plus ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL``,
``REDIS_URL``, the ``S3_*`` and ``SMTP_*`` variables. Every secret may instead be given as
``<NAME>_FILE``.
A malformed value stops the process with a message naming the variable.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from collab.env import KEY_REQUIRED, env
from collab.sso import sso_apps

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var")))
# The embedded defaults keep the SQLite file, uploads and logs here; a fresh clone has none.
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Safe unless told otherwise: development is asked for (``make run`` sets DEBUG=true and a
# key of its own, var/dev-secret-key), never fallen into by forgetting a variable.
DEBUG = env.bool("DEBUG", default=False)
# Production declared itself (DEBUG=false written out): every missing piece stops it here.
_production_declared = "DEBUG" in os.environ and not DEBUG

# No key is written in the code. Without one, tools that sign nothing (migrations, type
# checking, messages) still run; the servers refuse to start (collab/asgi.py) and anything
# that would sign refuses, both naming SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and _production_declared:
    raise ImproperlyConfigured(KEY_REQUIRED)

# Loopback only unless named: a server reached by any other name answers 400.
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
if (_production_declared and "ALLOWED_HOSTS" not in os.environ) or (not DEBUG and
                                                                    not ALLOWED_HOSTS):
    # Empty, every request would be refused with a 400: stop at start instead.
    raise ImproperlyConfigured("ALLOWED_HOSTS est requis quand DEBUG=false.")
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "django_htmx",
    # Installed for its packaged Swagger UI (templates and static files): without it the API
    # docs page loads Swagger from a CDN, which our Content-Security-Policy blocks.
    "ninja",
    "health_check",
    "collab",
    "django_tasks",
    "django_tasks_db",
    "communities",
    "docs_store",
    "meetings",
    "decisions",
    "reports",
    "emails",
    "inbox",
    "realtime",
    "frontend",
    "replies",
    "demo",
    # After frontend, whose templates (account/, socialaccount/) replace allauth's own.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    "collab.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before every middleware that reads or writes the body, as Django asks of compression.
    "collab.compression.TextCompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "communities.middleware.UserLanguageMiddleware",
    # django-allauth: the request its flows (sign-in stages, re-authentication) read.
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "frontend.middleware.ContentSecurityPolicyMiddleware",
    # request.htmx: the pages answer htmx's partial requests (inline edit, RSVP) with a part.
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during sign-in into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "collab.urls"
ASGI_APPLICATION = "collab.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.shell.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES: dict[str, dict[str, Any]] = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'espace-collaboratif.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock at BEGIN so two
    # writers bumping the same event counter queue up instead of failing on lock upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # A file, not memory, so end-to-end tests can share the test database with a server
    # process they start; one per test run so parallel runs do not trample each other.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        DATA_DIR / f"test-{os.getpid()}.sqlite3"
    )
else:
    # One test database per run, so two suites on one PostgreSQL do not drop each other's.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
    )
    # Under ASGI each request may run in a new thread, so per-thread persistent connections
    # would mean a new PostgreSQL connection per request; a pool shares them across threads.
    if env.bool("DATABASE_POOL", default=True):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=2),
            "max_size": env.int("DATABASE_POOL_MAX", default=20),
            "timeout": 10,
        }
    else:
        DATABASES["default"].setdefault(
            "CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0)
        )
        DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer --------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Several addresses, comma-separated, shard the pub/sub channels over as many Redis servers
# (channels-redis hashes each group's name onto one of them; publish.py does the same).
REDIS_URLS: list[str] = [url.strip() for url in REDIS_URL.split(",") if url.strip()]
# Pub/sub channels ignore the Redis database number, so deployments (and test runs, whose ids
# all start at 1) sharing a Redis must not share names: another's "space.1 seq 1" would be
# taken for ours.
CHANNEL_LAYER_PREFIX = env.str(
    "CHANNEL_LAYER_PREFIX",
    default=f"test{os.getpid()}" if os.environ.get("PYTEST_VERSION") else "espace",
)
CHANNEL_LAYERS: dict[str, dict[str, Any]]
if REDIS_URL:
    # Pub/sub: Redis only carries notifications; the database holds the events.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": REDIS_URLS, "prefix": CHANNEL_LAYER_PREFIX},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Real-time tuning -----------------------------------------------------------------------
# How often each process's hub re-reads stream heads and membership from the database; this
# bounds both the catch-up delay when Redis is down and the delay before a revoked user's
# streams are closed.
REALTIME_AUDIT_SECONDS = env.float("REALTIME_AUDIT_SECONDS", default=1.0)
# glibc's malloc_trim after bursts of connections (realtime.memory); off only to measure it.
REALTIME_TRIM_MEMORY = env.bool("REALTIME_TRIM_MEMORY", default=True)
REALTIME_MAX_PENDING_FRAMES = env.int("REALTIME_MAX_PENDING_FRAMES", default=2000)
# Under load, a stream's events go out at most once per window per connection, several to a
# frame (realtime.hub); a stream quiet for a window sends at once.
REALTIME_BATCH_WINDOW = env.int("REALTIME_BATCH_WINDOW_MS", default=40) / 1000
REALTIME_MAX_FRAME_BYTES = 64 * 1024
REALTIME_TICKET_SECONDS = 60
# Subscribe and unsubscribe frames one connection may send per minute: each reads the database
# and a subscribe may replay history, so a loop of them must not turn into a flood.
REALTIME_SUBSCRIBE_RATE = env.int("REALTIME_SUBSCRIBE_RATE", default=20)
# The most events one subscribe replays; a client further behind is told to reload (resync).
REALTIME_MAX_REPLAY = env.int("REALTIME_MAX_REPLAY", default=1000)
EVENT_RETENTION_DAYS = env.int("EVENT_RETENTION_DAYS", default=400)
# Messages one person may post per minute (0 turns the limit off).
POST_RATE_LIMIT = env.int("POST_RATE_LIMIT", default=30)
# Messages one person may send to members through the contact form per hour (0: no limit).
CONTACT_RATE_LIMIT = env.int("CONTACT_RATE_LIMIT", default=10)
# Reactions one person may add or take back per minute (0 turns the limit off): each toggle is
# an event pushed to every member of the space.
REACTION_RATE_LIMIT = env.int("REACTION_RATE_LIMIT", default=20)
# The largest request body accepted, judged from Content-Length before a byte is read
# (collab/body_guard.py); each space's own upload limit still applies below it.
REQUEST_MAX_BODY_BYTES = env.int("REQUEST_MAX_BODY_BYTES", default=1024 * 1024 * 1024)

# --- Background tasks -------------------------------------------------------------------------
# Django's Tasks API. "database" (the default, laptop included: `make run` starts a worker)
# queues in our own database and `manage.py db_worker` runs them; "immediate" runs each task
# inline when it is enqueued, which suits a one-off script but blocks the request.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND doit valoir {' ou '.join(_TASK_BACKENDS)} (reçu : {TASKS_BACKEND!r})."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "communities.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-spaces"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
INVITATION_DAYS = 14
# Bearer tokens of the API stop working this many days after they were issued.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)

# Password guessing (django-axes): after LOGIN_FAILURE_LIMIT failures for one account, or
# from one address, every sign-in for it (page and API token alike) is refused for
# LOGIN_COOLOFF_MINUTES without checking the password. The first backend refuses before the
# password hasher runs, so a locked-out guess costs no hashing.
AUTHENTICATION_BACKENDS = [
    "collab.throttle.SignInThrottle",
    # allauth's backend checks the password of an address (case-insensitive) and has the last
    # word on it; sessions opened before allauth name ModelBackend, which therefore stays
    # listed so they keep working.
    "collab.throttle.EmailPasswordBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A guesser who keeps trying must not keep the real owner out for ever: the lock lifts
# LOGIN_COOLOFF_MINUTES after it began, whatever comes in meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Failures fade with the cool-off only: axes's reset on success deletes every attempt from the
# address too, so a guesser signing in to an account of their own would wipe the tally.
AXES_RESET_ON_SUCCESS = False
# The sign-in form's field and authenticate()'s keyword, though people sign in by email.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "collab.throttle.username"
AXES_LOCKOUT_CALLABLE = "collab.throttle.lockout_response"
# Law 25: no log of every successful sign-in with its address; failures are kept only while
# they count (the cool-off), and the log lines name neither the person nor the address.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# --- Accounts (django-allauth) ---------------------------------------------------------------
# Sign-in by password or by a code sent by email, password reset, email change and
# re-authentication come from django-allauth; its pages are ours (frontend/templates/account/)
# and its mail goes through emails.outgoing. There is no open sign-up: people arrive by
# invitation, and single sign-on only links an address that is already known.
ACCOUNT_ADAPTER = "frontend.accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "frontend.accounts.social.SocialAccountAdapter"
ACCOUNT_FORMS = {
    "login": "frontend.accounts.forms.SignInForm",
    "change_password": "frontend.accounts.forms.ChangePasswordForm",
    "add_email": "frontend.accounts.forms.ChangeEmailForm",
    "request_login_code": "frontend.accounts.forms.RequestCodeForm",
    "confirm_login_code": "frontend.accounts.forms.CodeForm",
    "reset_password": "frontend.accounts.forms.ResetForm",
    "reset_password_from_key": "frontend.accounts.forms.NewPasswordForm",
    "set_password": "frontend.accounts.forms.FirstPasswordForm",
    "reauthenticate": "frontend.accounts.forms.ConfirmIdentityForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Every account's address is verified: by the invitation that created it, by staff, by the
# migration for accounts made before, or by the code sent to a new address before it counts.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
# The old address is told of a change, and every address of a password change or reset.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Three wrong codes and that code is dead: a new one must be asked for.
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = env.int("LOGIN_CODE_SECONDS", default=600)
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# A reset link works once (its token includes the password hash) and for an hour, as its
# mail and pages say.
PASSWORD_RESET_TIMEOUT = 60 * 60
ACCOUNT_RATE_LIMITS = {
    # Password guessing is django-axes's (counted in the database, shared with the API token
    # endpoint, refused before hashing): a second, per-process count would only disagree.
    "login_failed": None,
    # Sign-ins from one address: a town hall behind one NAT signs in many people at 9 a.m.
    "login": "60/m/ip",
}
# allauth counts its rate limits in Django's cache. Per process on purpose: the limits that
# matter against guessing live in the database (axes for passwords, the session for a code's
# tries); these only slow down floods of mail requests, and a cache on Redis would turn a
# Redis outage into failed sign-ins.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Single sign-on (OpenID Connect), off unless OIDC_PROVIDERS names providers; see
# collab/sso.py for the format (Microsoft Entra ID, Google Workspace...).
SOCIALACCOUNT_ENABLED = True
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": sso_apps(env.str("OIDC_PROVIDERS",
                                                                       default=""))}}
# An address from a provider is trusted only when the provider says it verified it (or it is
# on a domain the provider's settings say the organisation owns): then it links to the account
# of that address. Nothing else is ever linked, and no account is made without an invitation.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "fr-ca"
LANGUAGES = [("fr-ca", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "frontend" / "locale"]
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
S3_BUCKET = env.str("S3_BUCKET", default="")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Production serves collectstatic's output from nginx with a year of browser cache, which is
# only safe when each name carries its content's hash (infra/nginx/).
if env.bool("STATIC_MANIFEST", default=False):
    STORAGES["staticfiles"] = {"BACKEND": "collab.staticfiles.HashedStaticFilesStorage"}
# How uploads go to S3: in 8 MB parts, sent one after the other from the request's thread, so an
# upload of any size holds about 16-24 MB in memory (measured: 23 MB traced for 60 MB). With
# threads, s3transfer reads parts ahead of the ones in flight (default ten, i.e. 80 MB; even
# with max_concurrency 2 and one part read ahead it measured 31-40 MB). The tests build the
# same TransferConfig from these values.
S3_TRANSFER = {
    "multipart_threshold": 8 * 1024 * 1024,
    "multipart_chunksize": 8 * 1024 * 1024,
    "max_concurrency": 2,
    "use_threads": False,
}
S3_TRANSFER_MAX_IN_MEMORY_CHUNKS = 2
S3_READ_MAX_MEMORY_BYTES = 8 * 1024 * 1024


def s3_transfer_config() -> Any:
    """The TransferConfig built from S3_TRANSFER (boto3 is imported only when S3 is used)."""
    from boto3.s3.transfer import TransferConfig

    config = TransferConfig(**S3_TRANSFER)
    # Not a TransferConfig argument, but an s3transfer attribute it inherits and honours.
    config.max_in_memory_upload_chunks = S3_TRANSFER_MAX_IN_MEMORY_CHUNKS
    return config


if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "region_name": env.str("S3_REGION", default="ca-central-1"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "transfer_config": s3_transfer_config(),
            # Reading a stored object (text extraction) copies it into a spooled file; the
            # default, 0, never spools to disk, so a 500 MB PDF would sit in a worker's memory.
            "max_memory_size": S3_READ_MAX_MEMORY_BYTES,
        },
    }

# --- Documents ------------------------------------------------------------------------------
# Caps on what a ZIP (and an Office or OpenDocument file, which are ZIPs) declares inside it,
# so an archive bomb is refused before anyone opens it.
DOCS_ZIP_MAX_ENTRIES = env.int("DOCS_ZIP_MAX_ENTRIES", default=10_000)
DOCS_ZIP_MAX_UNCOMPRESSED_BYTES = env.int("DOCS_ZIP_MAX_UNCOMPRESSED_BYTES",
                                          default=2 * 1024 * 1024 * 1024)
# Largest inflated/compressed ratio of an archive entry over 1 MiB (real documents stay
# well under 100; a zip bomb is near 1,000).
DOCS_ZIP_MAX_RATIO = env.int("DOCS_ZIP_MAX_RATIO", default=200)
DOCS_TRASH_DAYS = 30
# Presigned download URLs on S3 live this long (at most 300 s).
DOCS_DOWNLOAD_URL_SECONDS = 300
# Text extraction for search (background task): bounded so a huge PDF cannot hold a worker.
DOCS_TEXT_MAX_PAGES = env.int("DOCS_TEXT_MAX_PAGES", default=500)
DOCS_TEXT_MAX_CHARS = env.int("DOCS_TEXT_MAX_CHARS", default=100_000)
DOCS_TEXT_MAX_SECONDS = env.int("DOCS_TEXT_MAX_SECONDS", default=60)
# Direct uploads to S3 (presigned POST): how long the form is valid, and how long an
# unfinished upload is kept before the purge command deletes it and its object.
DOCS_DIRECT_UPLOAD_SECONDS = env.int("DOCS_DIRECT_UPLOAD_SECONDS", default=900)
DOCS_DIRECT_UPLOAD_ABANDONED_HOURS = env.int("DOCS_DIRECT_UPLOAD_ABANDONED_HOURS", default=24)
# Optional antivirus: a clamd socket (path) or TCP address (host:port). Unset = not scanned
# (the admin says so). Set = every upload scanned before it is visible; unreachable = refused.
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", default="")
CLAMAV_TCP = env.str("CLAMAV_TCP", default="")
if CLAMAV_SOCKET and CLAMAV_TCP:
    raise ImproperlyConfigured("CLAMAV_SOCKET et CLAMAV_TCP : donnez l'un ou l'autre, pas les "
                               "deux.")
if CLAMAV_TCP and not re.fullmatch(r"[^:\s]+:\d{1,5}", CLAMAV_TCP):
    raise ImproperlyConfigured(f"CLAMAV_TCP doit avoir la forme hôte:port (reçu : {CLAMAV_TCP!r}).")
CLAMAV_TIMEOUT_SECONDS = env.int("CLAMAV_TIMEOUT_SECONDS", default=120)

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Espace collaboratif <ne-pas-repondre@localhost>"
)
SMTP_HOST = env.str("SMTP_HOST", default="")
if SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = SMTP_HOST
    EMAIL_PORT = env.int("SMTP_PORT", default=587)
    EMAIL_HOST_USER = env.str("SMTP_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("SMTP_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("SMTP_STARTTLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = env.bool("SMTP_SSL", default=EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Domain of our Message-IDs; by default the domain of DEFAULT_FROM_EMAIL. (The one-click
# unsubscribe address, unsubscribe+<token>@REPLY_DOMAIN, is on the inbound domain below.)
EMAIL_DOMAIN = env.str(
    "EMAIL_DOMAIN", default=DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
)
# Join-back links in digests and notifications work once, for this many days.
JOIN_LINK_DAYS = 7
# Reply by email: the domain of the reply+<token>@ addresses (its MX or LMTP route must reach
# `manage.py receive_email` or `manage.py lmtp_server`), and how long such an address works.
REPLY_DOMAIN = env.str("REPLY_DOMAIN", default="localhost").strip().lower()
REPLY_ADDRESS_DAYS = env.int("REPLY_ADDRESS_DAYS", default=90)
# authserv-ids of our own MTA's Authentication-Results headers (RFC 8601); a dmarc=fail or
# spf=fail in one of them refuses the reply. Empty: no such header is trusted.
REPLY_TRUSTED_AUTHSERV_IDS: list[str] = env.list("REPLY_TRUSTED_AUTHSERV_IDS", default=[])
# Inbound mail larger than this is not read past it (attachments are never posted).
REPLY_MAX_MESSAGE_BYTES = env.int("REPLY_MAX_MESSAGE_BYTES", default=10 * 1024 * 1024)
# "Not posted" answers one member may receive per hour, so a loop or a flood of forged mail
# cannot turn us into a source of mail to them; past it the mail is dropped with a log line.
REPLY_BOUNCES_PER_HOUR = env.int("REPLY_BOUNCES_PER_HOUR", default=10)
# Retention for `manage.py prune_reply_data`: expired addresses are kept this much longer (a
# late reply is told "expired", not "unknown"), and the log of received mail this long.
REPLY_EXPIRED_GRACE_DAYS = env.int("REPLY_EXPIRED_GRACE_DAYS", default=30)
REPLY_LOG_DAYS = env.int("REPLY_LOG_DAYS", default=30)

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if env.bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes and scrapers talk plain HTTP to the process itself, not through the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz(/core)?$", r"^metrics$"]
# Prometheus scrapes /metrics with "Authorization: Bearer <METRICS_TOKEN>"; unset, no metrics.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Whether the web process checks its database, storage and Redis before serving (a bad
# address or key then stops it at start, naming the setting, instead of failing requests).
STARTUP_CHECKS = env.bool(
    "STARTUP_CHECKS", default=not DEBUG and not os.environ.get("PYTEST_VERSION"))
SILENCED_SYSTEM_CHECKS = ["security.W021"] if not DEBUG and not SECURE_HSTS_PRELOAD else []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Django's request warnings ("Not Found: <path>") name the path, tokens included.
    "filters": {"mask_tokens": {"()": "collab.accesslog.MaskTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_tokens"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # aiosmtpd (the LMTP listener) logs every command with its addresses at INFO: kept out of
    # the logs (Law 25), warnings and errors still shown.
    # django-axes logs every sign-in at INFO; its warnings (failures, lockouts) stay.
    "loggers": {"daphne": {"level": "WARNING"}, "mail.log": {"level": "WARNING"},
                "axes": {"level": "WARNING"},
                # Django's own console handler (DEBUG) and mail to ADMINS would write those
                # paths unmasked: its records go to the one console above instead.
                "django": {"handlers": [], "propagate": True}},
}
