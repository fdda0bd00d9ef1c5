"""Settings, all from environment variables (see README, "Configuration").

The embedded default needs nothing: SQLite in WAL mode in the data directory and the database
task backend, run beside the web server by `vinculo up`. `DATABASE_URL` moves to PostgreSQL and
`VINCULO_TASKS=redis` with `REDIS_URL` moves background work to a Redis queue.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ

from vinculo.core.secrets import data_dir_secret, field_keys

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

DATA_DIR = Path(env.str("VINCULO_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env.str("VINCULO_SECRET_KEY", default="") or data_dir_secret(DATA_DIR / "secret_key")
# Keys for personal document numbers: Fernet keys (newest first, older ones still decrypt) and a
# separate key for the searchable keyed hash. Generated once into the data directory.
FIELD_ENCRYPTION_KEYS, FIELD_LOOKUP_KEY = field_keys(
    DATA_DIR / "field_keys.json",
    encryption=env.list("VINCULO_FIELD_KEYS", default=[]),
    lookup=env.str("VINCULO_LOOKUP_KEY", default=""),
)

DEBUG = env.bool("VINCULO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("VINCULO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("VINCULO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "vinculo.core",
    "vinculo.reference",
    "vinculo.policy",
    "vinculo.registry",
    "vinculo.imports",
    "vinculo.linkage",
    "vinculo.jobs",
    "vinculo.matching",
    "vinculo.placements",
    "vinculo.permits",
    "vinculo.stats",
    "vinculo.demo",
    "vinculo.web",
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
    "vinculo.core.middleware.RequestContextMiddleware",
    "vinculo.web.signin.SignInThrottleMiddleware",
    "vinculo.core.middleware.IdleSessionMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vinculo.urls"
WSGI_APPLICATION = "vinculo.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
CSRF_FAILURE_VIEW = "vinculo.urls.csrf_failure"
# Sign-in: by user name or phone number as typed (vinculo.web.signin), locked out per account
# after repeated wrong passwords (django-axes) and throttled per address (django-ratelimit).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "vinculo.web.signin.UsernameOrPhoneBackend",
]
AXES_FAILURE_LIMIT = env.int("VINCULO_SIGNIN_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("VINCULO_SIGNIN_LOCK_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "vinculo.web.signin.axes_username"
AXES_LOCKOUT_CALLABLE = "vinculo.web.signin.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]  # as core.middleware.client_ip, see there
AXES_VERBOSE = False  # lockouts are in the audit log
# Axes warns when it does not lock by address too: the address limit is SIGNIN_ADDRESS_RATE's
# (django-ratelimit, web.signin.SignInThrottleMiddleware), which does not lock out everyone
# behind one office or job-fair connection the way an axes address lock would.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
SIGNIN_ADDRESS_WINDOW_MINUTES = 10
SIGNIN_ADDRESS_RATE = f"{env.int('VINCULO_SIGNIN_ADDRESS_LIMIT', default=30)}/10m"
# Officials' and other staff's sessions end after this long without a request; workers' follow
# Django's SESSION_COOKIE_AGE (two weeks), as they sign in from their own phones.
STAFF_IDLE_MINUTES = env.int("VINCULO_STAFF_IDLE_MINUTES", default=30)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "vinculo.web.context_processors.navigation",
            ],
        },
    }
]

# --- Database --------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "vinculo.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the task worker writes; IMMEDIATE transactions take
        # the write lock up front, so two writers queue on busy_timeout instead of deadlocking.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Each of the server's threads keeps its connection: opening one and running the pragmas
    # above took about half of serving a cached public page. Every request runs in autocommit
    # outside its transactions, so a kept connection holds no read snapshot between requests.
    DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background tasks ---------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
TASKS_MODE = env.str("VINCULO_TASKS", default="database")  # database | redis | immediate
if TASKS_MODE == "redis":
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        # Drawn public pages (vinculo.web.caching), shared by every process of the deployment.
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
        },
    }
else:
    backend = {
        "database": "django_tasks_db.DatabaseBackend",
        "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    }[TASKS_MODE]
    TASKS = {"default": {"BACKEND": backend, "QUEUES": ["default"]}}
    # In memory, per process: `vinculo up` is one process with threads, so its rate-limit counts
    # and drawn pages are shared by all its requests and cost no write to SQLite (a database
    # cache would put a write behind every rate-limited request and every page drawn, queued on
    # SQLite's one writer; a file cache, a pickle on disk per read). Nothing here must be seen by
    # another process: drawn pages are checked against the database on every request
    # (vinculo.web.caching). Several processes (gunicorn on PostgreSQL) should use Redis.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Its own store, so a flood of distinct query strings evicts drawn pages, never the
        # rate-limit counts of the default cache.
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
    }

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "es"  # the region's default; the browser's Accept-Language and the switcher win
LANGUAGES = [("es", "Español"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("VINCULO_TIME_ZONE", default="America/Tegucigalpa")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "files"},
    },
    "staticfiles": {
        "BACKEND": env.str(
            "VINCULO_STATIC_STORAGE",
            # `vinculo up` serves hashed, compressed files; tests and development use the plain one.
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("VINCULO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
PASSWORD_HASHERS = env.list(
    "VINCULO_PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ],
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call then gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "vinculo.core.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "vinculo.core.schema.VinculoAutoSchema",
    "EXCEPTION_HANDLER": "vinculo.core.apis.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vínculo API",
    "DESCRIPTION": "Labour migration management. Errors are application/problem+json (RFC 9457).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # vinculo.core.converters.IdConverter: a database id, so a client never sends a bigger one.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
    },
    # A choice set used by several fields gets one name of its own, not the first field's.
    "ENUM_NAME_OVERRIDES": {
        "JobOrderStateEnum": "vinculo.jobs.models.JobOrderState",
        "LicenceStateEnum": "vinculo.registry.models.LicenceState",
        "VerificationStateEnum": "vinculo.core.models.VerificationState",
        "PlacementStateEnum": "vinculo.placements.domain.STATES",
        "AttendanceKindEnum": "vinculo.placements.models.AttendanceKind",
        "WageBasisEnum": "vinculo.jobs.models.WageBasis",
        "PermitApplicationStateEnum": "vinculo.permits.domain.ApplicationState",
        "PermitStepStateEnum": "vinculo.permits.domain.StepState",
        "PermitStateEnum": "vinculo.permits.domain.PermitState",
        "PermitMoveEnum": "vinculo.permits.domain.PERMIT_TARGETS",
    },
}

# --- Vínculo ----------------------------------------------------------------------------------
# Extra folders of policy packs, searched before the packs shipped with Vínculo, so a deployment
# can publish a newer version of a pack without changing code.
POLICY_PACK_DIRS = [Path(p) for p in env.list("VINCULO_POLICY_DIRS", default=[])]
EXPORTS_DIR = DATA_DIR / "exports"
# Searches a visitor may make on each public check (agencies, job offers) from one address: the
# default of vinculo.registry.organisations.views when empty.
PUBLIC_PAGE_RATE = env.str("VINCULO_PUBLIC_PAGE_RATE", default="")
# The tasks run once a day (vinculo.core.schedule): `vinculo up` ticks them; elsewhere cron runs
# `vinculo tick`.
DAILY_TASKS = [
    "vinculo.permits.tasks.permits_daily",
    "vinculo.placements.tasks.placements_daily",
]
# Where notices by SMS and e-mail go: a class with send(notification) (vinculo.core.notify).
NOTIFY_BACKEND = env.str("VINCULO_NOTIFY_BACKEND", default="vinculo.core.notify.ConsoleBackend")
IMPORTS_DIR = DATA_DIR / "imports"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "routine_at_debug": {
            "()": "vinculo.core.logs.RoutineAtDebug",
            "level": os.environ.get("VINCULO_LOG_LEVEL", "WARNING"),
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["routine_at_debug"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("VINCULO_LOG_LEVEL", "WARNING")},
    "loggers": {"vinculo": {"level": os.environ.get("VINCULO_LOG_LEVEL", "INFO")}},
}
