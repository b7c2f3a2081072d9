"""Rekisteri settings: read from the environment only (see README, "Configuration")."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from rekisteri.common.env import ConfigError, env_bool, env_int, env_str, secret_file

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(env_str("REKISTERI_HOME", "./var")).resolve()
HOME.mkdir(parents=True, exist_ok=True)
FILES_DIR = HOME / "files"
PACKAGES_DIR = HOME / "packages"

DEBUG = env_bool("DEBUG", False)
# SQLite page cache per connection, in MiB (0: SQLite's default of 2 MiB).
SQLITE_CACHE_MB = env_int("REKISTERI_SQLITE_CACHE_MB", 128)
# PostgreSQL work_mem for the retention sweep, plan and verify (see retention.engine).
RETENTION_PG_WORK_MEM = env_str("REKISTERI_PG_WORK_MEM", "512MB")
SECRET_KEY = env_str("SECRET_KEY") or secret_file(HOME, "secret_key", 50)
# Key that encrypts personal identity codes at rest; kept outside the database.
FIELD_ENCRYPTION_KEY = env_str("REKISTERI_FIELD_KEY") or secret_file(HOME, "field_key")
# Key of the suppression list's keyed hashes (an opt-out outlives erasure).
SUPPRESSION_KEY = env_str("REKISTERI_SUPPRESSION_KEY") or secret_file(HOME, "suppression_key")
# Key of the audit trail's hash chain (HMAC): without it nobody can forge a valid event.
AUDIT_CHAIN_KEY = env_str("REKISTERI_AUDIT_KEY") or secret_file(HOME, "audit_key")
# Keyed hashes of erased persons, outside the database (and best on other storage), so that
# a restored backup does not bring them back (rekisteri.backup, docs/backup.md).
ERASURE_LEDGER = Path(
    env_str("REKISTERI_ERASURE_LEDGER") or HOME / "erasure-ledger.jsonl"
).resolve()

# Tests add Django's "testserver" themselves (pytest-django's test environment); it is no
# name a real deployment answers to.
ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
BASE_URL = env_str("REKISTERI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [BASE_URL] if BASE_URL.startswith("http") else []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    # Serves the Swagger UI at /api/v1/docs from its own static files (no CDN; CSP allows).
    "ninja",
    # The staff UI's parts from PyPI: Bootstrap's built CSS (django-bootstrap-static), Tabler
    # Icons, htmx, tables and filters (docs/ui.md).
    "bootstrap",
    "tablericons",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "rekisteri.common",
    "rekisteri.catalogue",
    "rekisteri.audit",
    "rekisteri.register",
    "rekisteri.watchlists",
    "rekisteri.access",
    "rekisteri.imports",
    "rekisteri.interactions",
    "rekisteri.retention",
    "rekisteri.consent",
    "rekisteri.mail",
    "rekisteri.marketing",
    "rekisteri.rights",
    "rekisteri.notice",
    "rekisteri.disclosures",
    "rekisteri.kyc",
    "rekisteri.enrichment",
    "rekisteri.screening",
    "rekisteri.breaches",
    "rekisteri.stats",
    "rekisteri.portal",
    "rekisteri.jobs",
    "rekisteri.staff",
    "rekisteri.api",
    "rekisteri.bench",
    "rekisteri.health",
    "rekisteri.backup",
]

MIDDLEWARE = [
    # first: it times the whole request (rekisteri serve switches it on; common.accesslog)
    "rekisteri.common.accesslog.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "rekisteri.common.middleware.SecurityHeadersMiddleware",
    # static files from STATIC_ROOT (rekisteri serve runs collectstatic), with the headers above
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rekisteri.common.middleware.SessionMiddleware",  # Django's; a read survives a lock
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rekisteri.common.middleware.IdleTimeoutMiddleware",
    # after the idle timeout: a timed-out session is logged out, not asked for a code
    "rekisteri.common.middleware.MfaRequiredMiddleware",
    "rekisteri.common.middleware.ProcessingRefusedMiddleware",
    "rekisteri.common.middleware.DatabaseBusyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rekisteri.urls"
WSGI_APPLICATION = "rekisteri.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rekisteri.staff.navigation.staff_navigation",
            ],
        },
    }
]

_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # The same options as the default database below: without them a sqlite:// URL
        # gives deferred transactions, which fail at once with "database is locked" when
        # concurrent requests write (the audit event of every read).
        DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: compiling a campaign audience's query took longer than running it (1.1 s
        # of 1.5 s for 100,000 persons, docs/performance.md). A URL's own ?options= wins.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": HOME / "rekisteri.sqlite3",
            # WAL and secure_delete are switched on per connection (common.apps); the
            # transaction mode makes writers take the lock up front instead of failing late.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            "TEST": {"NAME": None},
        }
    }
if DATABASES["default"]["ENGINE"] not in (
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
):
    raise ConfigError("DATABASE_URL must point at SQLite or PostgreSQL")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"

AXES_FAILURE_LIMIT = env_int("REKISTERI_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = 1  # hours
# Lock out a user name from one address (both together): five failures from an office's
# shared address must not lock every colleague out, nor one user from every address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "rekisteri.common.client.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "access/locked.html"
# TOTP codes: the issuer shown in the authenticator app; throttle guesses at a code.
OTP_TOTP_ISSUER = "Rekisteri"
OTP_TOTP_THROTTLE_FACTOR = 1

SESSION_COOKIE_AGE = 8 * 3600
SESSION_IDLE_SECONDS = env_int("REKISTERI_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE = BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
# A load balancer probes /healthz over plain HTTP on the inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_PROXY = env_bool("BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
#: proxies whose X-Forwarded-For is believed (rekisteri.common.client)
TRUSTED_PROXIES = [p.strip() for p in env_str("REKISTERI_TRUSTED_PROXIES").split(",") if p.strip()]
PROXY_COUNT = env_int("REKISTERI_PROXY_COUNT", 1)
#: POSTs to the public forms that send mail, per client address and in total, per window of
#: PUBLIC_POSTS_WINDOW seconds (rekisteri.portal.limits)
PUBLIC_POSTS_PER_ADDRESS = env_int("REKISTERI_PUBLIC_POSTS_PER_ADDRESS", 10)
PUBLIC_POSTS_TOTAL = env_int("REKISTERI_PUBLIC_POSTS_TOTAL", 300)
PUBLIC_POSTS_WINDOW = env_int("REKISTERI_PUBLIC_POSTS_WINDOW", 3600)

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates, times and numbers in each language's own format (fi 29.11.2026 klo 21.02,
# sv 2026-11-29 21:02, en 29 Nov 2026, 21:02): rekisteri/formats/<lang>/formats.py.
FORMAT_MODULE_PATH = ["rekisteri.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# whitenoise serves STATIC_ROOT with compressed copies made by collectstatic, which
# `rekisteri serve` runs at start (with DEBUG=true it finds the files in the apps itself).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# The project-wide stylesheet and script (src/rekisteri/static) belong to no single app.
STATICFILES_DIRS = [BASE_DIR / "static"]

EMAIL_URL = env_str("EMAIL_URL")
if EMAIL_URL:
    from urllib.parse import urlparse

    _email = urlparse(EMAIL_URL)
    if _email.scheme not in ("smtp", "smtps", "smtp+tls"):
        raise ConfigError("EMAIL_URL must look like smtp://host:port")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "127.0.0.1"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = _email.username or ""
    EMAIL_HOST_PASSWORD = _email.password or ""
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
else:
    # No mail server: each message becomes one .eml file under REKISTERI_HOME/mail/ (never
    # stdout, which would print requesters' addresses); erasure removes a person's files.
    EMAIL_BACKEND = "rekisteri.mail.backends.FileOutbox"
EMAIL_FILE_PATH = HOME / "mail"
EMAIL_TIMEOUT = 30  # seconds: a hung mail server must not hold a sender's lease forever
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "rekisteri@localhost")
# The mail outbox (docs/mail.md): attempts before a message is dead-lettered, the first
# retry's delay (doubling), and how long sent and failed messages are kept.
MAIL_MAX_ATTEMPTS = env_int("REKISTERI_MAIL_MAX_ATTEMPTS", 8)
MAIL_RETRY_SECONDS = env_int("REKISTERI_MAIL_RETRY_SECONDS", 60)
MAIL_KEEP_DAYS = env_int("REKISTERI_MAIL_KEEP_DAYS", 7)
MAIL_DEAD_KEEP_DAYS = env_int("REKISTERI_MAIL_DEAD_KEEP_DAYS", 30)
if min(MAIL_MAX_ATTEMPTS, MAIL_RETRY_SECONDS, MAIL_KEEP_DAYS, MAIL_DEAD_KEEP_DAYS) < 1:
    raise ConfigError("REKISTERI_MAIL_* settings must be at least 1")

# Personal data never goes to logs: errors name fields and rows, never values.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # The access log (common.accesslog): `rekisteri serve` lowers it to INFO.
    "loggers": {
        "rekisteri.access": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Not "Not Found: <path>" for every 404: a mistyped URL may hold anything.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# The worker (docs/worker.md): a TOML file that changes the schedule, or "off"; the bounce
# mailbox (Maildir or mbox) the schedule polls; the first retry's delay (doubling after).
JOBS_SCHEDULE = env_str("REKISTERI_SCHEDULE")
BOUNCE_MAILBOX = env_str("REKISTERI_BOUNCE_MAILBOX")
JOBS_RETRY_BASE_SECONDS = env_int("REKISTERI_RETRY_SECONDS", 30)

# Enrichment from the trade register (docs/enrichment.md): PRH's open data API v3 (or a
# mirror of it), and how many seconds one request may take.
YTJ_URL = env_str("REKISTERI_YTJ_URL", "https://avoindata.prh.fi/opendata-ytj-api/v3").rstrip("/")
YTJ_TIMEOUT = env_int("REKISTERI_YTJ_TIMEOUT", 10)
if YTJ_TIMEOUT < 1:
    raise ConfigError("REKISTERI_YTJ_TIMEOUT must be at least 1 (seconds)")
