"""Django settings for licensedesk. Everything that differs between sites comes from the
environment (see README: Configuration)."""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from licensedesk.core.email_url import email_settings
from licensedesk.core.env import env, envbool, envint, envlist, private_file, secret_key_from

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env("LICENSEDESK_DATA_DIR", "var")).resolve()

DEBUG = envbool("LICENSEDESK_DEBUG")
SECRET_KEY = secret_key_from(DATA_DIR)
BASE_URL = env("LICENSEDESK_BASE_URL", "http://localhost:8000").rstrip("/")
_base = urlsplit(BASE_URL)
HTTPS = _base.scheme == "https"

ALLOWED_HOSTS = envlist(
    "LICENSEDESK_ALLOWED_HOSTS", sorted({"localhost", "127.0.0.1", "[::1]", _base.hostname or ""})
)
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]

# Number of reverse proxies in front of us whose X-Forwarded-For we trust (0: none).
PROXY_HOPS = envint("LICENSEDESK_PROXY_HOPS", 0)
if PROXY_HOPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "licensedesk.core",
    "licensedesk.accounts",
    "licensedesk.audit",
    "licensedesk.api",
    "licensedesk.outbox",
    "licensedesk.dashboard",
    "licensedesk.catalog",
    "licensedesk.customers",
    "licensedesk.licenses",
    "licensedesk.care",
    "licensedesk.groups",
    "licensedesk.activation",
    "licensedesk.notifications",
    "licensedesk.monitoring",
    "licensedesk.imports",
]

MIDDLEWARE = [
    "licensedesk.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "licensedesk.core.middleware.SecurityHeadersMiddleware",
    "licensedesk.core.middleware.RefuseControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "licensedesk.accounts.middleware.SessionTimeoutMiddleware",
    "licensedesk.core.middleware.LoginRequiredMiddleware",
    "licensedesk.accounts.middleware.RequireTwoFactorMiddleware",
    "licensedesk.api.middleware.MethodNotAllowedProblemMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "licensedesk.urls"
WSGI_APPLICATION = "licensedesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "licensedesk.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite under the data directory unless DATABASE_URL says otherwise.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
    # Django's defaults otherwise (client-side binding, no prepared statements), so that a
    # transaction-mode pooler such as PgBouncer works as it is (docs/deploy.md). A dead
    # connection is replaced before use instead of failing the first request after a restart.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Server-side cursors do not survive a transaction-mode pooler; long listings (exports,
    # the calendar feed) are read in key-ordered chunks instead.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": private_file(DATA_DIR / "licensedesk.sqlite3"),
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The Dashboard's covering index lists columns to include; SQLite builds the plain index
# instead, as intended, so its warning at every start would only worry people.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["licensedesk.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "licensedesk.accounts.validators.MaximumLengthValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

OTP_TOTP_ISSUER = "licensedesk"

# Links in emails.
PASSWORD_RESET_MAX_AGE = 60 * 60  # one hour
INVITATION_MAX_AGE = 7 * 24 * 60 * 60  # one week

# Sessions: idle and absolute timeouts are enforced by SessionTimeoutMiddleware.
SESSION_IDLE_TIMEOUT = envint("LICENSEDESK_SESSION_IDLE_SECONDS", 2 * 60 * 60)
SESSION_ABSOLUTE_TIMEOUT = envint("LICENSEDESK_SESSION_MAX_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and envbool("LICENSEDESK_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("LICENSEDESK_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from here
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = envbool("LICENSEDESK_STATIC_FROM_FINDERS", DEBUG)

DEFAULT_FROM_EMAIL = env("LICENSEDESK_FROM_EMAIL", "licensedesk <noreply@licensedesk.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
globals().update(email_settings(env("LICENSEDESK_EMAIL_URL", "console:"), DATA_DIR))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LICENSEDESK_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# /metrics answers Prometheus with this bearer token; without one, metrics are off.
METRICS_TOKEN = env("LICENSEDESK_METRICS_TOKEN", "")

# Every API list pages with limit/offset bounded (licensedesk/api/pagination.py).
NINJA_PAGINATION_CLASS = "licensedesk.api.pagination.Pages"

# License requests are up to 10 MB; the activation code checks the exact limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024

# The first group of every SLC this installation issues.
LICENSEDESK_ISSUER = env("LICENSEDESK_ISSUER", "M01")

# Status reports are stored in batches, every this many milliseconds, by each web process
# (licensedesk/monitoring/writer.py); 0 stores each report before answering.
LICENSEDESK_REPORT_FLUSH_SECONDS = max(0.0, float(env("LICENSEDESK_REPORT_FLUSH_MS", "50"))) / 1000
# While the database is unreachable, each web process holds at most this many accepted
# reports, for at most this many seconds of outage; past either, reports get 503 with
# Retry-After (licensedesk/monitoring/buffer.py, docs/deploy.md).
LICENSEDESK_REPORT_BUFFER = max(1, envint("LICENSEDESK_REPORT_BUFFER", 10_000))
LICENSEDESK_REPORT_OUTAGE_SECONDS = max(0.0, float(env("LICENSEDESK_REPORT_OUTAGE_S", "30")))

# Webhooks to private addresses are refused unless this is set (tests set it).
ALLOW_PRIVATE_WEBHOOKS = envbool("LICENSEDESK_ALLOW_PRIVATE_WEBHOOKS")
