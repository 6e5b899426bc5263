"""One settings file, driven by the environment.

With no environment at all it runs embedded: SQLite and a filesystem Celery
broker under `var/`. `DATABASE_URL` (PostgreSQL) and `REDIS_URL` switch to the
production components; `PRODUCTION=1` turns on the checks that refuse an unsafe
configuration (config/checks.py).
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import overload

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None = None) -> str | None: ...
def env(name: str, default: str | None = None) -> str | None:
    """A setting from the environment, or from the file named by NAME_FILE (Docker secrets)."""
    if name in os.environ:
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return default


TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no setting; anything else ("ture") stops the start-up, naming the variable."""
    value = env(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word not in TRUE + FALSE:
        raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value (one of {', '.join(TRUE + FALSE[:-1])})")
    return word in TRUE


def env_int(name: str, default: int) -> int:
    """A whole-number setting; anything else stops the start-up, naming the variable."""
    value = env(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env_bool("PRODUCTION")
INSECURE_DEFAULT_SECRET_KEY = "embedded-default-insecure-key-change-me"
SECRET_KEY = env("SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG")  # off unless DEBUG=1 (a traceback page shows a file to whoever hits an error)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "core",
    "registry",
    "adoption",
    "consular",
    "intercountry",
    "databank",
    "reports",
    "printing",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.middleware.RejectNulMiddleware",
    "core.middleware.InternalHealthMiddleware",  # before the host check and the TLS redirect
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.NoStoreMiddleware",  # every answer below: no static file
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.ReadAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SessionLimitsMiddleware",  # after the messages: it leaves one
    "core.middleware.RememberLanguageMiddleware",  # after the session's limits: only a live session's
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
                "django.template.context_processors.i18n",
            ]
        },
    }
]

DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles the report queries for longer than they run (measured in
        # docs/performance.md); the service's queries are short or aggregate-bound.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=" + env("PG_JIT", "off")
        # The planner's cost of a random page read against a sequential one: its default (4) is for
        # spinning disks. With the working set in memory or on SSD (any machine this runs on), 1.1 is
        # PostgreSQL's own advice; at the default, the work queue's sources scanned whole tables
        # where an index on the district's cases reads a few thousand rows (docs/performance.md).
        PG_RANDOM_PAGE_COST = env("PG_RANDOM_PAGE_COST", "1.1")
        DATABASES["default"]["OPTIONS"]["options"] += f" -c random_page_cost={PG_RANDOM_PAGE_COST}"
        # The planner's cost of starting parallel workers: at its default (1000) a queue's source of
        # 2-5 ms was run by two workers whose start took 12-15 ms (docs/performance.md, session 18);
        # the reports' statements, of hundreds of milliseconds, are still run in parallel.
        PG_PARALLEL_SETUP_COST = env("PG_PARALLEL_SETUP_COST", "5000")
        DATABASES["default"]["OPTIONS"]["options"] += f" -c parallel_setup_cost={PG_PARALLEL_SETUP_COST}"
        # Prepared statements, for the few queries that ask for them (adoption/facts.py: planning
        # took longer than running them). Django's own cursors bind on the client and never prepare.
        # PG_PREPARED=off behind a pooler that cannot keep them (pgbouncer before 1.21 in transaction mode).
        # Each is planned once per connection (a generic plan): a custom plan for each case cost more
        # than running it (1.1-1.3 ms of planning for the databank's 0.3-0.5 ms search of a family).
        # Django's own queries are never prepared, so this setting does not reach them.
        if env("PG_PREPARED", "on") != "off":
            DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
            DATABASES["default"]["OPTIONS"]["options"] += " -c plan_cache_mode=force_generic_plan"
    # A read replica for the reports (config/routers.py); in tests it mirrors the primary.
    REPLICA_DATABASE_URL = env("REPLICA_DATABASE_URL")
    if REPLICA_DATABASE_URL:
        DATABASES["replica"] = dj_database_url.parse(REPLICA_DATABASE_URL, conn_max_age=60, conn_health_checks=True)
        DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            # web, worker and beat share the file: wait for locks, take them up front.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
    # a covering index's INCLUDE columns are PostgreSQL's; SQLite keeps the index without them, as
    # meant: no warning on every command of the embedded default
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # brute-force lockout, checked first
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: an account, and an address
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"  # the service's page, in the reader's language
AXES_USERNAME_CALLABLE = "core.logins.recorded_username"  # a username too long to record is cut, not a 500

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "core.passwords.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # Kazakh date formats, which Django does not ship
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))  # the files received: backed up with the database
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Content security policy: everything from our own origin, nothing inline (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "adoption-registry@localhost")
# seconds a mail server may take to answer: without it a server that does not answer held a
# worker's thread for ever (core.services.send_reminder_emails)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# the address the staff open the service at: a reminder e-mail links to the work queue there
# (none in production until it is set: the e-mails then say to open the registry, with no link)
SITE_URL = env("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")

# --- API --------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.renderers.JSONRenderer",  # DRF's bytes, encoded by orjson
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.StrictJSONParser",
        "core.api.parsers.StrictFormParser",
        "core.api.parsers.StrictMultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_METADATA_CLASS": "core.api.metadata.PointsToTheSchema",  # OPTIONS: the fields are in the schema
    # API rate limits (per user, and per address for the token endpoint); a 429 names the wait.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_RATE_USER", "6000/hour"), "anon": env("API_RATE_ANON", "60/minute")},
    "DATE_INPUT_FORMATS": ["iso-8601"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Imports refuse a file of more rows than this (core.tabular), before reading any further.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50_000_000)
IMPORT_MAX_EXPANDED_BYTES = env_int("IMPORT_MAX_EXPANDED_BYTES", 1_000_000_000)  # an XLSX unzipped (core.tabular)
# A monitoring report's file (a scan, a PDF): larger is refused by consular.services.
MONITORING_REPORT_MAX_BYTES = env_int("MONITORING_REPORT_MAX_BYTES", 20 * 1024 * 1024)
# API tokens (django-rest-knox): stored hashed, one per login, expire after TOKEN_TTL_HOURS; logout
# revokes one, a password change or a deactivation all of a user's (core.signals).
TOKEN_TTL_HOURS = env_int("TOKEN_TTL_HOURS", 12)
REST_KNOX = {"TOKEN_TTL": timedelta(hours=TOKEN_TTL_HOURS), "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}
# A signed-in page shows children's records on a computer a guardianship office shares (RULES §9):
# a session ends SESSION_IDLE_MINUTES after its last request, SESSION_HOURS after the sign-in
# (core.middleware.SessionLimitsMiddleware) and when the browser closes (NIST SP 800-63B at AAL2:
# 30 minutes idle, 12 hours). Expired sessions are deleted by beat (`core.clear_sessions`).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_HOURS = env_int("SESSION_HOURS", TOKEN_TTL_HOURS)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # each request moves the idle limit on
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SPECTACULAR_SETTINGS = {
    "TITLE": "Intercountry adoption case-tracking API",
    "DESCRIPTION": "Registers of children deprived of parental care, adoption cases, court stage, consular follow-up.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ChildStatusEnum": "registry.models.ChildStatus",
        "RegisterLevelEnum": "registry.models.Level",
        "RegisterEntryKindEnum": "registry.models.RegisterEntry.KINDS",
        "DuplicateFlagStatusEnum": "registry.models.DuplicateFlag.Status",
        "CaseStatusEnum": "adoption.models.CaseStatus",
        "CaseKindEnum": "adoption.models.CaseKind",
    },
}

# --- Cache (shared by web and worker: import progress; the API's rate limits) --------
if env("REDIS_URL"):
    # A convenience, never a dependency: with Redis away a read is a miss and a write is lost
    # (logged), and the request goes on: an import's progress shows 0, the API's rate limits
    # count from zero until it is back. /healthz reports the broker down meanwhile.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 3, "SOCKET_TIMEOUT": 5},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "adoption.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery -----------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A message taken by a worker that dies (acks_late) returns to the queue after the visibility
    # timeout; tasks are idempotent, and an import still running elsewhere is not run twice.
    CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "socket_connect_timeout": 3,
        "socket_timeout": 5,
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 3)),
        "unacked_restore_throttle": 1,
    }
else:
    # Embedded: a broker that needs no server (kombu's filesystem transport).
    _broker = VAR_DIR / "broker"
    for _sub in ("out", "processed"):
        (_broker / _sub).mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "results").mkdir(exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "out"),
        "data_folder_out": str(_broker / "out"),
        "processed_folder": str(_broker / "processed"),
        "control_folder": str(_broker / "control"),  # kombu's exchange tables: under VAR_DIR, not in the working tree
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'results'}"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True  # a task killed mid-way is redelivered; tasks are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers and beat log through LOGGING too: JSON, UTC, no query strings
# No task runs for ever: sweeps and e-mails take seconds; an import of a national history may take
# long (reports.run_import has limits of its own).
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 15 * 60)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULER = "config.celery:HeartbeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 60  # seconds: beat ticks, and touches its heartbeat, at least this often
BEAT_HEARTBEAT_FILE = str(VAR_DIR / "beat-heartbeat")
# Sweeps recompute what is due from the database, so a missed run loses nothing;
# `expires` is shorter than the period so a backlog never piles up.
SWEEP_EVERY_SECONDS = env_int("SWEEP_EVERY_SECONDS", 15 * 60)
# A settled follow-up only spares the queues a read (an open one is read through the full
# definitions), so settling need not keep pace with the sweeps; it reads every open decision.
SETTLE_EVERY_SECONDS = env_int("SETTLE_EVERY_SECONDS", 60 * 60)
# An import uploaded while the broker was away waits for it; a user watches its page meanwhile.
REQUEUE_IMPORTS_EVERY_SECONDS = env_int("REQUEUE_IMPORTS_EVERY_SECONDS", 60)


def _every(seconds: int, task: str) -> dict:
    return {"task": task, "schedule": timedelta(seconds=seconds), "options": {"expires": seconds * 0.9}}


CELERY_BEAT_SCHEDULE = {
    "registers": _every(SWEEP_EVERY_SECONDS, "registry.sweep_registers"),
    "court-deadlines": _every(SWEEP_EVERY_SECONDS, "adoption.sweep_court_deadlines"),
    "case-outlooks": _every(SWEEP_EVERY_SECONDS, "adoption.refresh_outlooks"),
    "consular-deadlines": _every(SWEEP_EVERY_SECONDS, "consular.sweep_consular_deadlines"),
    "proposals": _every(SWEEP_EVERY_SECONDS, "databank.sweep_proposals"),
    "reminders-of-the-policy": _every(SWEEP_EVERY_SECONDS, "core.align_reminders"),
    "reminder-emails": _every(SWEEP_EVERY_SECONDS, "core.send_reminder_emails"),
    "audit-chain": _every(SWEEP_EVERY_SECONDS, "core.seal_audit_chain"),
    "follow-up-settled": _every(SETTLE_EVERY_SECONDS, "consular.settle_follow_up"),
    "import-jobs": _every(REQUEUE_IMPORTS_EVERY_SECONDS, "reports.requeue_imports"),
    "sessions": _every(24 * 60 * 60, "core.clear_sessions"),
}

# --- Logging ----------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.logging.RequestIdFilter"},
        "privacy": {"()": "config.logging.PrivacyFilter"},
    },
    "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id", "privacy"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # runserver's access log prints query strings (?q=<name>): replaced by core.middleware.
        "django.server": {"level": "WARNING"},
        # SQL with its parameters (names) at DEBUG: never, whatever LOG_LEVEL says.
        "django.db.backends": {"level": "INFO"},
        # a failed variable lookup at DEBUG, with the request's parameters in its traceback: never.
        "django.template": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # a task's arguments and return value at INFO: our own line (core.tasks) says what ran and how long
        "celery.app.trace": {"level": "WARNING"},
        # WeasyPrint's step-by-step progress of each printed document
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
