"""Django settings for csplatform, all read from the environment in this one place.

Development needs nothing set: `make run`, `make test` and manage.py start the embedded
PostgreSQL and Redis under ./var/ when DATABASE_URL / REDIS_URL are unset (see
csplatform/embedded.py). Production sets DEBUG=0, a real SECRET_KEY, ALLOWED_HOSTS and the two
URLs, and then passes `manage.py check --deploy`.
"""

import ipaddress
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from csplatform.env import env_bool, env_int, env_list, env_str, env_url, kombu_redis_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("CSPLATFORM_TESTING", False)

_INSECURE_DEV_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY") or (_INSECURE_DEV_KEY if DEBUG or TESTING else None)
if SECRET_KEY is None:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
if not (DEBUG or TESTING) and (len(SECRET_KEY) < 50 or SECRET_KEY == _INSECURE_DEV_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

# --- Services -------------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", {"postgres", "postgresql", "pgsql"})
REDIS_URL = env_url("REDIS_URL", {"redis", "rediss", "unix"})
# Settings never start servers. `make run`, `make test`, the benchmarks and manage.py start
# the embedded development servers when these are unset, and pass their URLs down.
for _name, _value in (("DATABASE_URL", DATABASE_URL), ("REDIS_URL", REDIS_URL)):
    if _value is None:
        raise ImproperlyConfigured(
            f"{_name} is not set. Set it, or start through `make run`, `make test` or "
            "manage.py, which start the embedded development servers (requirements-dev.txt)."
        )

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
# PostgreSQL through psycopg2, with every statement run as the role and tenant the code acts
# for (tenants/db/backend: row-level security beneath the application's tenant boundary).
DATABASES["default"]["ENGINE"] = "tenants.db.backend"
# Off only to measure what row-level security costs (bench/); `check --deploy` warns.
DATABASE_ROW_SECURITY = env_bool("DATABASE_ROW_SECURITY", True)
# The PostgreSQL role that row-level security confines to one tenant (tenants/db/rls.py).
DATABASE_APP_ROLE = env_str("DATABASE_APP_ROLE", "csplatform_app")
if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", DATABASE_APP_ROLE):
    raise ImproperlyConfigured(
        "DATABASE_APP_ROLE must be a PostgreSQL role name of lowercase letters, digits and "
        f"underscores, got {DATABASE_APP_ROLE!r}."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "csp"),
        # With Redis unreachable, what reads the cache (the API throttle, the sign-in limit,
        # import progress) gives up within seconds and goes on without it, never hangs.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

# --- Applications ---------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_filters",
    "template_partials",
    "axes",
    "csp",
    "django_ratelimit",
    "auditlog",
    "tenants",
    "accounts",
    "health",
    "onboarding",
    "knowledgebase",
    "metrics",
    "csplatform.demo",
]

MIDDLEWARE = [
    # Outermost: the request id, one JSON log line and the latency of the whole request.
    "tenants.observability.requests.RequestObservabilityMiddleware",
    # The application role for the whole request, its connection handed back clean.
    "tenants.db.middleware.ApplicationRoleMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "csplatform.security.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of pages and API answers: the browser's or client's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in person's own language, over the browser's (not for the API).
    "tenants.language.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tenants.tenancy.middleware.TenantMiddleware",
    "axes.middleware.AxesMiddleware",
    # Records the signed-in user (and address) on audit entries written during the request.
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "csplatform.urls"
WSGI_APPLICATION = "csplatform.wsgi.application"
ASGI_APPLICATION = "csplatform.asgi.application"

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
                "tenants.tenancy.context_processors.tenancy",
            ],
        },
    }
]

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
# Failures are counted per (username, address) pair: counting them per username would let
# anyone lock out any known email, and per address would let one client lock out everyone
# behind the same address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "tenants.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Audit log (django-auditlog): entries live in the tenants app, one tenant each. Registered
# rows are read through the base manager, since changes happen with or without an active
# tenant. The client address is not recorded: the library would trust X-Forwarded-For.
AUDITLOG_LOGENTRY_MODEL = "tenants.AuditEntry"
AUDITLOG_USE_BASE_MANAGER = True
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = True
# No correlation id from a client header: it is not ours to trust, nor of bounded length.
AUDITLOG_CID_HEADER = None
# The library's migrations would create its own, unused entry table (they ignore the swap).
MIGRATION_MODULES = {"auditlog": None}
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7, minimum=1)
# Outbound webhooks: URLs must be https and resolve to public addresses only. For local
# development, plain http and the listed networks (e.g. 127.0.0.1/32) can be allowed.
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", False)
WEBHOOK_ALLOWED_NETWORKS = env_list("WEBHOOK_ALLOWED_NETWORKS", [])
try:
    for _network in WEBHOOK_ALLOWED_NETWORKS:
        ipaddress.ip_network(_network, strict=False)
except ValueError as _error:
    raise ImproperlyConfigured(f"WEBHOOK_ALLOWED_NETWORKS: {_error}") from None

# --- Security -------------------------------------------------------------------------------
# Proxies in front of the site that append to X-Forwarded-For (a load balancer, nginx): the
# client's address is read from that header only when this is set (csplatform/security/).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Sign-in POSTs allowed per client address (the site's and the admin's sign-in together).
LOGIN_RATE_LIMIT = env_str("LOGIN_RATE_LIMIT", "20/m")
if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]", LOGIN_RATE_LIMIT):
    raise ImproperlyConfigured("LOGIN_RATE_LIMIT must look like 20/m (per s, m, h or d).")
# Public pages without sign-in (survey answers, unsubscribe): requests per address.
PUBLIC_RATE_LIMIT = env_str("PUBLIC_RATE_LIMIT", "60/m")
if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]", PUBLIC_RATE_LIMIT):
    raise ImproperlyConfigured("PUBLIC_RATE_LIMIT must look like 60/m (per s, m, h or d).")
# Help center searches per address (each pause in typing is one).
HELP_SEARCH_RATE_LIMIT = env_str("HELP_SEARCH_RATE_LIMIT", "300/m")
if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]", HELP_SEARCH_RATE_LIMIT):
    raise ImproperlyConfigured("HELP_SEARCH_RATE_LIMIT must look like 300/m (per s, m, h or d).")
RATELIMIT_USE_CACHE = "default"
# django-ratelimit lists django-redis but not Django's own Redis cache, which it works with:
# it needs an atomic INCR and expiring keys, both Redis commands behind this backend.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _SECURE and not TESTING)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _SECURE else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _SECURE)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _SECURE and not TESTING)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14, minimum=60)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _SECURE and not TESTING)
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Scripts, styles and everything else from this site only: no inline script or style, no
# eval. The pages declare behaviour with data attributes read by static/js/app.js.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "csplatform <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("ru", "Русский"), ("ro", "Română")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Uploaded files (help center images; served by the knowledge base's own view) ----------
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
KB_IMAGE_MAX_BYTES = env_int("KB_IMAGE_MAX_BYTES", 5 * 1024 * 1024, minimum=1)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.api.authentication.APIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.tenancy.permissions.IsTenantMember"],
    "DEFAULT_PARSER_CLASSES": [
        "tenants.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "tenants.api.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["tenants.api.throttling.TenantKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "tenant_key": env_str("API_THROTTLE_RATE", "1200/minute"),
        # The public help center API, per address.
        "kb_public": env_str("KB_PUBLIC_API_RATE", "300/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "tenants.api.openapi.TenantAutoSchema",
    "EXCEPTION_HANDLER": "tenants.api.errors.exception_handler",
    # JSON only; /api/docs/ is the interactive explorer.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "csplatform API",
    "DESCRIPTION": (
        "REST API of csplatform, the open-source customer-success platform. "
        "Authenticate with `Authorization: Bearer <key>`, using a key created by a tenant "
        "admin under Settings → API keys. Every request acts inside the key's tenant."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for a choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "PlaybookTriggerEnum": "health.models.playbook.PlaybookTrigger",
        "TaskPriorityEnum": "health.models.task.TaskPriority",
        "OnboardingPlanStatusEnum": "onboarding.models.plan.PlanStatus",
        "OnboardingStepStatusEnum": "onboarding.models.plan.StepStatus",
    },
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = kombu_redis_url(REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "csplatform")
# Webhook deliveries wait on other people's servers (up to 15 s an attempt): they go to a
# queue of their own, consumed by workers of their own, so a slow or hanging receiver never
# holds up ingestion follow-ups, nightly runs or emails (docs/operations.md, "Processes").
CELERY_WEBHOOK_QUEUE = env_str("CELERY_WEBHOOK_QUEUE", "webhooks")
# Queue sharding of the nightly work (tenants/tenancy/routing.py): each tenant's nightly
# metrics and scoring tasks go to one of these queues, picked by a stable hash of its id, and
# each queue needs a worker consuming it (`celery worker -Q ...`). Empty (the default): the
# default queue, as on a single machine. Reordering or resizing the list moves tenants.
CELERY_NIGHTLY_QUEUES = env_list("CELERY_NIGHTLY_QUEUES", [])
if len(set(CELERY_NIGHTLY_QUEUES)) != len(CELERY_NIGHTLY_QUEUES) or not all(
    re.fullmatch(r"[A-Za-z0-9_.:-]{1,100}", queue) for queue in CELERY_NIGHTLY_QUEUES
):
    raise ImproperlyConfigured(
        "CELERY_NIGHTLY_QUEUES must be distinct queue names (letters, digits, _ . : -), "
        "separated by commas."
    )
# Routers, in order: each tenant's nightly tasks to its queue of CELERY_NIGHTLY_QUEUES (when
# that is set), then the webhook deliveries to theirs; everything else to the default queue.
CELERY_TASK_ROUTES = (
    "tenants.tenancy.routing.route_task",
    {"tenants.tasks.webhook_delivery_send": {"queue": CELERY_WEBHOOK_QUEUE}},
)

# --- Metrics --------------------------------------------------------------------------------
# Database connections a long rollup rebuild (a backfill) uses at once, each on its own share
# of the days: about the number of cores PostgreSQL can give one recompute. 1: one at a time.
METRICS_ROLLUP_CONNECTIONS = env_int("METRICS_ROLLUP_CONNECTIONS", 2, minimum=1)
# How old an event may be when it arrives: older ones are refused. The receipts of message
# ids (deduplication) are kept this long plus the day of clock skew an event may be ahead
# and a margin (metrics/services/event_storage.py), so that a message sent again within
# the window is always recognised, and one sent later is refused, never stored twice.
# 425 days: a new tenant can send the history its first year of scores reads (the score
# backtest's twelve month starts, and the 60 days of usage before the earliest).
EVENTS_MAX_AGE_DAYS = env_int("EVENTS_MAX_AGE_DAYS", 425, minimum=1)

# --- Operations -----------------------------------------------------------------------------
# The bearer token a Prometheus scraper sends to GET /ops/metrics; unset: that answers 404.
# The instruments' values are shared between the processes of a host through the directory
# named by the PROMETHEUS_MULTIPROC_DIR environment variable, read by prometheus_client
# itself (docs/operations.md).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 32 characters when set.")

# --- Logging --------------------------------------------------------------------------------
# json: one JSON object per line, with request_id, tenant_id and task_id on every line
# (tenants/observability/logs.py); text: plain lines for reading in a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "tenants.observability.logs.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(message)s",
            "timestamp": "time",  # ISO 8601, UTC
            "rename_fields": {"levelname": "level", "name": "logger"},
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(tenant_id)s "
            "%(task_id)s] %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}
