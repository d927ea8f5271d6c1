"""Settings for the SME Cluster Expo Portal, read from the environment.

With nothing set, the portal runs locally: SQLite in ``var/``, Celery tasks run
eagerly in-process and emails are written to ``var/mail``. ``DATABASE_URL`` and
``REDIS_URL`` switch on PostgreSQL and a real Celery worker on Redis. The full
list of variables is in the README.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# With nothing set the portal runs in its local mode; production sets DJANGO_DEBUG=0 (docker-compose.yml does).
DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "local-only-insecure-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "expo",
    "exhibitors",
    "pavilions",
    "visitors",
    "programme",
    "matchmaking",
    "awards",
    "opendata",
    "insights",
    "support",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "csp",
    "simple_history",
    "import_export",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "expo.middleware.StaffMFARequiredMiddleware",
]

ROOT_URLCONF = "expo.urls"
WSGI_APPLICATION = "expo.wsgi.application"

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
                "expo.context_processors.site",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------

VAR_DIR = Path(env_str("EXPO_VAR_DIR", str(BASE_DIR / "var")))

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")


def redis_database_after(url: str) -> str:
    """``url`` with the Redis database number after its own (``redis://host:6379/0`` → ``/1``)."""
    scheme, rest = url.split("://", 1)
    server, _slash, path = rest.partition("/")
    database, question, options = path.partition("?")
    return f"{scheme}://{server}/{int(database or 0) + 1}{question}{options}"


# The cache never shares the broker's Redis database: when memory runs short it must evict its own pages,
# never queued tasks. docker-compose.yml gives it a Redis of its own, bounded by maxmemory with LRU
# eviction; without CACHE_URL it takes the database after the broker's on the broker's server.
CACHE_URL = env_str("CACHE_URL") or (redis_database_after(REDIS_URL) if REDIS_URL else "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ---------------------------------------------------------------

AUTH_USER_MODEL = "expo.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

ACCOUNT_ADAPTER = "expo.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = {
    # Five wrong passwords for one account in five minutes lock it for the rest of the window.
    "login_failed": "20/m/ip,5/300s/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SME Cluster Expo Portal"

# Staff must enrol a TOTP authenticator before any admin page opens. Only the
# local mode of `make run` turns this off, and every staff page then says so.
EXPO_STAFF_MFA_REQUIRED = env_bool("EXPO_STAFF_MFA_REQUIRED", True)
EXPO_INVITATION_DAYS = env_int("EXPO_INVITATION_DAYS", 7)
# The name account emails sign with when no expo edition is current (otherwise the edition's name).
EXPO_SITE_NAME = env_str("EXPO_SITE_NAME", "SME Cluster Expo Portal")
# What an email may attach, made when it goes out (see expo.services.email_queue): name → function(id).
EXPO_ATTACHMENT_MAKERS = {
    "visitors.badge": "visitors.services.badge_attachment",
    "awards.certificate": "awards.certificates.certificate_attachment",
}
# The Ed25519 private key that signs badge QR codes (PEM, or base64 of the 32 raw bytes). Without it
# the local mode makes one in var/badge-signing-key; production refuses to sign badges.
EXPO_BADGE_SIGNING_KEY = env_str("EXPO_BADGE_SIGNING_KEY")
EXPO_BADGE_LOCAL_KEY = DEBUG
# Registrations one IP address may make per hour, against scripted sign-ups.
EXPO_REGISTRATION_RATE_PER_HOUR = env_int("EXPO_REGISTRATION_RATE_PER_HOUR", 20)
# The portal's address for links in emails sent with no visitor's request behind them (the follow-ups to exhibitors).
EXPO_SITE_URL = env_str("EXPO_SITE_URL", "http://localhost:8000")

# --- Public API (/api/v1/) ----------------------------------------------------

# Requests one client address may make to the public API (DRF's "N/second|minute|hour|day"), counted in
# the cache; past it the API answers 429 with Retry-After.
EXPO_API_ANON_RATE = env_str("EXPO_API_ANON_RATE", "120/minute")
REST_FRAMEWORK = {
    # Nobody signs in to the API: every answer is the same for everyone, and no session is read.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.policies.ApiCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["api.policies.AnonymousRateThrottle"],
    # The client is REMOTE_ADDR only, as for registrations: a header a client can set would choose its bucket.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SME Cluster Expo Portal: public API",
    "DESCRIPTION": "Read-only public data of the expo: exhibitors, products, clusters, the floor plan, the "
    "programme and the award winners.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    # The documentation's Swagger UI is served from the portal's own static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.document_errors"],
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Languages and time -------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ur", _("Urdu"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Karachi"
USE_I18N = True
# One way of writing dates per language, for the admin, the public pages, the emails and the gate alike.
FORMAT_MODULE_PATH = ["expo.formats"]
USE_TZ = True

# --- Static and media files ---------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads only their owners and staff may see (nomination files): served by views that check access.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# Bounds on uploaded images, checked before an image is decoded.
EXPO_IMAGE_MAX_BYTES = env_int("EXPO_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
# 24 MP is a 6000 × 4000 photo, more than a logo or product photo needs; every megapixel costs decoding time.
EXPO_IMAGE_MAX_PIXELS = env_int("EXPO_IMAGE_MAX_PIXELS", 24_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Email --------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SME Cluster Expo <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# --- Celery -------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request must not hang when Redis is down: publishing gives up fast and the
# outbox sweep re-sends what was left queued.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "expo.requeue_stale_emails": {"task": "expo.requeue_stale_emails", "schedule": 300.0},
    "visitors.requeue_lost_batches": {"task": "visitors.requeue_lost_batches", "schedule": 300.0},
    "visitors.sync_booth_staff_badges": {"task": "visitors.sync_booth_staff_badges", "schedule": 300.0},
    # Hourly: a registration change whose link expired can no longer be applied, and holds what someone typed.
    "visitors.purge_expired_registration_changes": {
        "task": "visitors.purge_expired_registration_changes",
        "schedule": 3600.0,
    },
    # Every minute, so that the reminder shortly before a meeting leaves within a minute of being due.
    "matchmaking.send_reminders": {"task": "matchmaking.send_reminders", "schedule": 60.0},
    # Hourly: a follow-up step falls due once a day (at 09:00 in the expo's zone) and waits for the next run.
    "matchmaking.send_follow_ups": {"task": "matchmaking.send_follow_ups", "schedule": 3600.0},
}
CELERY_TIMEZONE = TIME_ZONE

# --- Security -----------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Health probes call the container over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO: one line per step of every badge PDF.
    "loggers": {"django.db.backends": {"level": "INFO"}, "weasyprint": {"level": "WARNING"}},
}
