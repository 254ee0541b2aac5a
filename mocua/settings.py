"""mocua settings: one module, read from the environment, with safe local defaults.

With no variable set the portal runs on SQLite under var/ with Celery tasks run
eagerly, so `make demo` needs no service. DATABASE_URL and REDIS_URL switch to
PostgreSQL and Redis, as CI, tests and production do. `.env.example` lists every variable.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """A variable, or the content of the file named by NAME_FILE (Docker secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name, "")
    if value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
# Public values no production key may be: the development default and the placeholder of .env.example.
PUBLIC_SECRET_KEYS = {DEV_SECRET_KEY, "change-me-to-a-long-random-string-of-at-least-fifty-characters"}
# Off unless asked for: `make demo` and the test run turn it on for themselves; a deployment that
# forgets the variable shows a citizen the Vietnamese error page, never Django's debug page.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
# Fail closed: a production process never starts with a public key (one a copied .env.example holds).
if not DEBUG and (not SECRET_KEY or SECRET_KEY in PUBLIC_SECRET_KEYS or SECRET_KEY.lower().startswith("change-me")
                  or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value when DEBUG is off "
                               "(not the placeholder of .env.example); for a local demo set DEBUG=true.")

# The key of the PINs' keyed hash (dossiers.pins); empty: SECRET_KEY. Changing either voids every PIN.
PIN_KEY = env_str("PIN_KEY", "")
# A counter dossier's clear PIN is kept until its receipt's first print, and never longer than this.
PIN_CLEAR_HOURS = env_int("PIN_CLEAR_HOURS", 24)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The public address printed in QR codes and messages (no trailing slash).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mocua.accounts",
    "mocua.workcalendar",
    "procedures",
    "dossiers",
    "feedback",
    "ratings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Under /api/: bodies bounded, and every answer JSON, Django's own errors included.
    "mocua.api.ApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mocua.urls"
WSGI_APPLICATION = "mocua.wsgi.application"

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
                "mocua.accounts.context_processors.staff_navigation",
                "dossiers.context_processors.alerts",
            ],
        },
    },
]

VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mocua.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any query it costs as large (the leaders' reports over a year), and
    # no query here runs long enough to repay the compilation (docs/benchmarks.md). Off per
    # connection, so a shared server's setting stays as it is.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["mocua.accounts.backends.AgencyModelBackend"]

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "mocua.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process's own memory: template fragments that depend on nothing but the code (the menus'
# links, whose {% url %}s were a tenth of a list page), so that no visit pays a Redis round trip.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "mocua-local"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "procedures:list"
# Failed staff logins allowed: per client and username in LOGIN_WINDOW seconds (five wrong passwords
# lock that client out of that account for 15 minutes), per client over all usernames, and per
# username from everywhere, loosely and briefly (a stranger cannot keep an officer out for long).
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_WINDOW = env_int("LOGIN_WINDOW", 900)
LOGIN_CLIENT_FAILURES = env_int("LOGIN_CLIENT_FAILURES", 20)
LOGIN_USER_FAILURES = env_int("LOGIN_USER_FAILURES", 50)
LOGIN_USER_WINDOW = env_int("LOGIN_USER_WINDOW", 300)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Scanned papers and uploads: PDF, JPEG, PNG up to this size.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# The operator's trust anchors for electronic results: a folder of CA certificates (PEM or DER) whose
# signatures count as valid (dossiers.signatures). An empty or missing folder trusts no one.
RESULT_TRUST_DIR = Path(env_str("RESULT_TRUST_DIR", str(VAR_DIR / "trust")))
# How long a citizen's uploaded papers and electronic results stay downloadable from the lookup page
# before the daily task removes the files (the records stay).
CITIZEN_FILES_MONTHS = env_int("CITIZEN_FILES_MONTHS", 12)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

# E-mail: console locally, SMTP in production through EMAIL_URL-like variables.
# The console backend prints whole messages (PINs, lookup links) to the log: the local demo only.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend" if DEBUG
                        else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mocua <no-reply@localhost>")

# Security: strict in production, relaxed only where DEBUG (local demo) needs plain HTTP.
SESSION_COOKIE_HTTPONLY = True
# Every staff page reads its session: from the shared cache (Redis) first, the table only when the
# cache lost it (the database alone costs a query per page). Writes go to both, so a Redis restart
# logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = []
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The demo's SQLite ignores the INCLUDE columns of the covering indexes, which only serve
    # PostgreSQL's index-only scans: nothing for a demo user to act on.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
# /healthz is probed over plain HTTP by the container runtime, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/trang$"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "mocua.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mocua.api.exception_handler",
    # JSON only: every answer under /api/ is JSON (no browsable HTML API), and bodies nest at most
    # mocua.parsers.MAX_DEPTH deep.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["mocua.parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
}
# The largest body the API reads; a dossier with every paper and fee is a few tens of KB.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1024 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "mocua API",
    "DESCRIPTION": "Một cửa: danh mục thủ tục hành chính, hồ sơ, tra cứu và đánh giá.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from static/, never from a CDN: government networks are often closed.
    "SWAGGER_UI_DIST": "SIDECAR",
    # Every operation documents the errors it can answer (mocua.api.error_responses).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "mocua.api.error_responses"],
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models name different choice sets "channel", "kind" or "level": name each enum.
    "ENUM_NAME_OVERRIDES": {
        "DossierChannelEnum": "procedures.models.Channel",
        "FeeChannelEnum": "procedures.models.FeeChannel",
        "FeeKindEnum": "procedures.models.FeeKind",
        "ApplicantKindEnum": "dossiers.models.ApplicantKind",
        "DocumentKindEnum": "dossiers.models.DossierDocument.Kind",
        "AgencyLevelEnum": "mocua.accounts.models.Level",
        "RatingLevelEnum": "ratings.models.Level",
        # The dossier's status keeps its name now that feedback has a status of its own.
        "StatusEnum": "dossiers.workflow.Status",
        "FeedbackStatusEnum": "feedback.workflow.Status",
        "FeedbackCategoryEnum": "feedback.workflow.Category",
        "FeedbackClassEnum": "feedback.workflow.CLASSES",
        "FeedbackReactionEnum": "feedback.workflow.Reaction",
        "FeedbackSubjectEnum": "feedback.models.Subject",
        "FeedbackSourceEnum": "feedback.models.Source",
    },
}

# Celery: Redis in production; without REDIS_URL tasks run eagerly in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A worker dying mid-task loses nothing: the message is acknowledged only when done.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Publishing must not hang a request when Redis is down: the outbox row waits for the sweep.
# Kombu otherwise retries the connection with sleeps until the timeout (2 s per message, so an
# intake with two messages would wait 4 s); max_retries 0 fails at once, and a short socket
# connect timeout bounds an unreachable (not refusing) host. The worker and beat reconnect under
# their own broker_connection_max_retries, which these options do not change.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "max_retries": 0, "socket_connect_timeout": 1}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
ALERT_SCAN_MINUTES = env_int("ALERT_SCAN_MINUTES", 15)
# A crontab minute step: "*/90" would silently mean once an hour.
if not 1 <= ALERT_SCAN_MINUTES <= 59:
    raise ImproperlyConfigured("ALERT_SCAN_MINUTES must be between 1 and 59")
# "Due soon" also when this share of a step's budget is used (DUE_SOON_WORKING_HOURS is the other rule).
try:
    ALERT_DUE_SOON_SHARE = float(env_str("ALERT_DUE_SOON_SHARE", "0.75"))
except ValueError as exc:
    raise ImproperlyConfigured("ALERT_DUE_SOON_SHARE must be a number such as 0.75") from exc
if not 0 < ALERT_DUE_SOON_SHARE <= 1:
    raise ImproperlyConfigured("ALERT_DUE_SOON_SHARE must be above 0 and at most 1")
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)
CELERY_BEAT_SCHEDULE = {
    # The deadline scan: alerts officers and their heads before and after due times.
    "scan-deadlines": {"task": "dossiers.tasks.scan_deadlines",
                       "schedule": crontab(minute=f"*/{ALERT_SCAN_MINUTES}")},
    # Delivers outbox rows whose task never ran (broker outage) and due retries.
    "sweep-outbox": {"task": "dossiers.tasks.sweep_outbox", "schedule": crontab(minute="*/2")},
    # Feedback items (phản ánh, kiến nghị): alerts before and after each of their due times.
    "scan-feedback-deadlines": {"task": "feedback.tasks.scan_feedback_deadlines",
                                "schedule": crontab(minute=f"*/{ALERT_SCAN_MINUTES}")},
    # Leaders' daily digest of late dossiers; the task skips days off.
    "leader-digest": {"task": "dossiers.tasks.send_leader_digest",
                      "schedule": crontab(hour=DIGEST_HOUR, minute=0)},
    # Removes the citizens' files kept past CITIZEN_FILES_MONTHS (records stay), at night.
    "expire-citizen-files": {"task": "dossiers.tasks.expire_citizen_files", "schedule": crontab(hour=2, minute=30)},
    # Blanks the clear PIN of receipts never printed within PIN_CLEAR_HOURS (the hash stays).
    "forget-unprinted-pins": {"task": "dossiers.tasks.forget_unprinted_pins", "schedule": crontab(minute=15)},
}
SMS_BACKEND = env_str("SMS_BACKEND", "dossiers.sms.LoggingSMSBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# Clock after a complete supplement: "restart" (the default) counts the whole limit again from the
# moment the papers arrive, as Decree 61/2018 Art 19(4) says ("được tính lại từ đầu"); "resume"
# keeps the time already spent, for a province that rules otherwise.
SUPPLEMENT_CLOCK = env_str("SUPPLEMENT_CLOCK", "restart")
if SUPPLEMENT_CLOCK not in ("resume", "restart"):
    raise ImproperlyConfigured("SUPPLEMENT_CLOCK must be 'resume' or 'restart'")

# A step or dossier with less working time than this left is "due soon" (lists, alerts).
DUE_SOON_WORKING_HOURS = env_int("DUE_SOON_WORKING_HOURS", 4)

# The reverse proxies in front of gunicorn that append to X-Forwarded-For (nginx of docker-compose.yml:
# 1; a TLS terminator in front of it too: 2). The rate limits key on the client address, read that
# many entries from the right (mocua.ratelimit.client_address); 0 reads the connection's address.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
if not 0 <= TRUSTED_PROXIES <= 5:
    raise ImproperlyConfigured("TRUSTED_PROXIES must be the number of reverse proxies, 0 to 5")
if env_str("TRUST_X_FORWARDED_FOR", ""):
    # The old switch trusted the header's leftmost entry, which any client writes: refuse it rather
    # than guess how many proxies there are.
    raise ImproperlyConfigured("TRUST_X_FORWARDED_FOR is replaced by TRUSTED_PROXIES (the number of reverse "
                               "proxies in front of gunicorn, e.g. 1 behind the compose file's nginx)")
# Public lookup, failed tries allowed: per client a minute and per client and code (tight); per code
# from everywhere (loose and brief: a stranger cannot lock a citizen out for long, and the receipt's
# QR link, a strong secret, is not counted per code at all).
LOOKUP_CLIENT_FAILURES = env_int("LOOKUP_CLIENT_FAILURES", 10)
LOOKUP_CLIENT_CODE_FAILURES = env_int("LOOKUP_CLIENT_CODE_FAILURES", 5)
LOOKUP_CLIENT_CODE_WINDOW = env_int("LOOKUP_CLIENT_CODE_WINDOW", 900)
LOOKUP_CODE_FAILURES = env_int("LOOKUP_CODE_FAILURES", 100)
LOOKUP_CODE_WINDOW = env_int("LOOKUP_CODE_WINDOW", 300)
# Online submissions per client an hour (uploads are heavy).
SUBMIT_PER_HOUR = env_int("SUBMIT_PER_HOUR", 10)
# Feedback (phản ánh, kiến nghị) sent per client an hour, from the page and the API.
FEEDBACK_PER_HOUR = env_int("FEEDBACK_PER_HOUR", 10)
# The public transparency page (/cong-khai/) and its API are cached this many seconds.
TRANSPARENCY_CACHE_SECONDS = env_int("TRANSPARENCY_CACHE_SECONDS", 600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "mocua.security": {"level": "INFO"},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
