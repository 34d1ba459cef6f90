"""One settings module, driven by environment variables.

PARINDEX_DEBUG          "1" for development (demo logins allowed, a fixed dev secret key)
PARINDEX_SECRET_KEY     required outside debug mode (or PARINDEX_SECRET_KEY_FILE)
DATABASE_URL            e.g. postgres://user:pass@host:5432/parindex; default: SQLite file
PARINDEX_DATA_DIR       where the SQLite file, uploads and data stores live (default ./var)
PARINDEX_ALLOWED_HOSTS  comma-separated host names (default: localhost names)
PARINDEX_TRUSTED_PROXIES  addresses/networks of the reverse proxies whose X-Forwarded-For is believed
PARINDEX_TRUST_X_FORWARDED_FOR  "1": trust the proxy on this machine (loopback) when no list is given
PARINDEX_HTTPS          "1": served only over HTTPS by the reverse proxy (redirect, HSTS, secure cookies)
PARINDEX_HSTS_SECONDS   HSTS max-age with PARINDEX_HTTPS (default 31536000; small while trying)
PARINDEX_LOG_FORMAT     "kv" (key=value, default) or "json"; PARINDEX_LOG_LEVEL (default INFO)
PARINDEX_EMAIL_BACKEND  Django e-mail backend (default: console)
PARINDEX_REQUIRE_2FA    "1": administrators, appraisers and council members sign in with a code too
PARINDEX_SESSION_IDLE_MINUTES  sessions end after this many minutes without a request (default 60)
PARINDEX_JOB_RUNNER     background jobs: "db" (default: a worker process, `manage.py jobs_worker`)
                        or "immediate" (run at once in the process that asks: tests)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from parindex.common.addresses import LOOPBACK, parse_networks

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_secret(name: str) -> str | None:
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return None


DEBUG = _env_flag("PARINDEX_DEBUG")
# Demo data is loaded (`make run`): pages carry a banner, the login page lists the demo accounts.
DEMO_MODE = _env_flag("PARINDEX_DEMO")
DATA_DIR = Path(os.environ.get("PARINDEX_DATA_DIR", BASE_DIR / "var")).resolve()

SECRET_KEY = _env_secret("PARINDEX_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "PARINDEX_SECRET_KEY (or PARINDEX_SECRET_KEY_FILE) must be set outside debug mode"
        )
    SECRET_KEY = "parindex-development-only-not-secret"

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("PARINDEX_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # `runserver` (make run) leaves static files to WhiteNoise, as gunicorn does: Django's own
    # debug static handler answers a path like /static/..%2f..%2fparindex.sqlite3 with a 500.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    # Two-factor sign-in: authenticator-app codes (TOTP) and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below); listed for its checks.
    "csp",
    # Django's tasks API (backport) and its database backend: the queue of background jobs.
    "django_tasks",
    "django_tasks_db",
    # django-ninja (the REST API): listed so that its docs page uses its own Swagger UI files
    # (served from here), not a CDN.
    "ninja",
    "parindex.accounts",
    "parindex.apitokens",
    "parindex.audit",
    "parindex.units",
    "parindex.criteria",
    "parindex.periods",
    "parindex.assessments",
    "parindex.results",
    "parindex.questionnaires",
    "parindex.dossiers",
    "parindex.nationaldata",
    "parindex.tasks",
    "parindex.plans",
    "parindex.documents",
    "parindex.nationalself",
    "parindex.jobs",
    "parindex.demo",
    "parindex.operations",
    "parindex.web",
]

MIDDLEWARE = [
    "parindex.web.middleware.RequestIdMiddleware",  # first: every log line has the request id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parindex.web.middleware.IgnoreBrowserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parindex.web.accounts.middleware.SessionIdleMiddleware",
    # A signed-in user who still owes the second step (a code, or enrolment) reaches only the
    # pages of that step (parindex/web/accounts/two_factor.py).
    "parindex.web.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The Content-Security-Policy header on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last: it answers locked-out logins before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parindex.web.urls"
WSGI_APPLICATION = "parindex.web.wsgi.application"

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
                "parindex.web.context_processors.navigation",
                "parindex.web.assessments.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'parindex.sqlite3'}",
        conn_max_age=int(os.environ.get("PARINDEX_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives there
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # Axes first, so that a locked-out account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "parindex.accounts.backends.AccountBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The demo province's published password, on any account that is not a demo account.
    {"NAME": "parindex.accounts.passwords.NotDemoPasswordValidator"},
]

# Login throttling (django-axes): lock a username + address pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("PARINDEX_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions end after PARINDEX_SESSION_IDLE_MINUTES without a request (default 60): the stored
# session expires that long after its last save, and `SessionIdleMiddleware` saves it again
# (moving the expiry on) at most once a minute while the user works, and logs out a session
# idle for longer. The cookie dies with the browser. docs/deployment.md.
PARINDEX_SESSION_IDLE_MINUTES = int(os.environ.get("PARINDEX_SESSION_IDLE_MINUTES", "60"))
if PARINDEX_SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("PARINDEX_SESSION_IDLE_MINUTES must be at least 1")
SESSION_COOKIE_AGE = PARINDEX_SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Two-factor sign-in (docs/deployment.md). PARINDEX_REQUIRE_2FA=1 (production): administrators,
# appraisers and council members must set up an authenticator app before they can use the
# site (`policy.two_factor_required`); anybody who has set one up is asked for a code at every
# login. Off by default (the demo, the tests).
PARINDEX_REQUIRE_2FA = _env_flag("PARINDEX_REQUIRE_2FA")
OTP_TOTP_ISSUER = os.environ.get("PARINDEX_2FA_ISSUER", "parindex")
# Each failed code doubles the wait before the next one is checked (seconds, django-otp).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): the pages load scripts, style sheets, fonts and images
# only from this site, run no inline script or style (behaviour lives in static .js files, looks
# in .css files; tests/web/test_csp.py scans the templates and the pages), are framed by nobody
# and post forms only here. `data:` images are the server-drawn SVG charts (parindex/common/svg.py)
# and the empty favicon. WeasyPrint's PDF templates keep their <style>: they are never served.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if not DEBUG:
    # Behind the province's HTTPS reverse proxy; set PARINDEX_INSECURE_HTTP=1 on a plain-HTTP intranet.
    _https = not _env_flag("PARINDEX_INSECURE_HTTP")
    SESSION_COOKIE_SECURE = _https
    CSRF_COOKIE_SECURE = _https
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# PARINDEX_HTTPS=1: the site is served only over HTTPS by the reverse proxy, which sets
# X-Forwarded-Proto (docs/deployment.md). Plain-HTTP requests are redirected, except /healthz
# (probed on the loopback address), and browsers are told to use HTTPS only (HSTS).
PARINDEX_HTTPS = _env_flag("PARINDEX_HTTPS")
if PARINDEX_HTTPS:
    if _env_flag("PARINDEX_INSECURE_HTTP"):
        raise ImproperlyConfigured(
            "PARINDEX_HTTPS and PARINDEX_INSECURE_HTTP contradict each other"
        )
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("PARINDEX_HSTS_SECONDS", str(365 * 24 * 3600)))
    # The application's own host name and any name below it; PARINDEX_HSTS_INCLUDE_SUBDOMAINS=0
    # when it runs on a bare domain whose other subdomains still serve plain HTTP.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("PARINDEX_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is for public domains submitted to the browsers' list, not an intranet host;
    # turning off subdomains (above) is the operator's decision, so its warning is silenced too.
    SILENCED_SYSTEM_CHECKS = ["security.W021"] + (
        [] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]
    )

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["parindex.web.formats"]
# Years and codes are integers too; points are rendered with their decimal comma by the locale.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded evidence lives outside the web root and is only served through access-checked views.
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/private-uploads/"  # never routed; downloads go through views
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Behind a reverse proxy the client's address is in X-Forwarded-For, believed only as far as
# trusted proxies wrote it (parindex/common/addresses.py: the right-most entry that is not a
# trusted proxy). PARINDEX_TRUSTED_PROXIES: comma-separated addresses or networks of the
# proxies; PARINDEX_TRUST_X_FORWARDED_FOR=1 without a list trusts this machine's loopback
# (nginx on the same server, docs/deployment.md). Login throttling, the survey's open-link
# rate limit, the API's logs and the request log all use that one address.
PARINDEX_TRUST_X_FORWARDED_FOR = _env_flag("PARINDEX_TRUST_X_FORWARDED_FOR")
try:
    PARINDEX_TRUSTED_PROXIES = parse_networks(
        os.environ.get("PARINDEX_TRUSTED_PROXIES", "").split(",")
    ) or (parse_networks(LOOPBACK) if PARINDEX_TRUST_X_FORWARDED_FOR else ())
except ValueError as error:
    raise ImproperlyConfigured(f"PARINDEX_TRUSTED_PROXIES: {error}") from None
AXES_CLIENT_IP_CALLABLE = "parindex.web.middleware.client_address"

# Background jobs (long exports, big imports) run as tasks of Django's tasks API
# (parindex/jobs/runner.py). "db" (default): queued in the database (django-tasks-db) and run
# by a worker process, `python manage.py jobs_worker` (`make run` starts one beside the web
# server), so a restart loses no queued job. "immediate": run at once in the process that
# asks (tests, one-off scripts).
PARINDEX_JOB_RUNNER = os.environ.get("PARINDEX_JOB_RUNNER", "db")
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if PARINDEX_JOB_RUNNER not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"PARINDEX_JOB_RUNNER must be one of {', '.join(_TASK_BACKENDS)}, not {PARINDEX_JOB_RUNNER!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[PARINDEX_JOB_RUNNER]}}
# A running job writes a heartbeat every PARINDEX_JOB_HEARTBEAT_SECONDS; one silent for
# PARINDEX_JOB_STALE_SECONDS was left by a worker that died, and is marked failed.
PARINDEX_JOB_HEARTBEAT_SECONDS = float(os.environ.get("PARINDEX_JOB_HEARTBEAT_SECONDS", "10"))
PARINDEX_JOB_STALE_SECONDS = float(os.environ.get("PARINDEX_JOB_STALE_SECONDS", "60"))

# The REST API (/api/v1/, docs/api.md): requests per minute per token (a token may set its
# own), and the largest dossier batch imported inside the request (a larger one is a job).
PARINDEX_API_RATE_LIMIT = int(os.environ.get("PARINDEX_API_RATE_LIMIT", "600"))
PARINDEX_API_PUSH_SYNC_LIMIT = int(os.environ.get("PARINDEX_API_PUSH_SYNC_LIMIT", "5000"))
PARINDEX_API_PUSH_MAX_MB = int(os.environ.get("PARINDEX_API_PUSH_MAX_MB", "200"))

# Evidence uploads: allowed types (checked from the content) and the size limit per file.
PARINDEX_EVIDENCE_TYPES = tuple(
    os.environ.get("PARINDEX_EVIDENCE_TYPES", "pdf,docx,xlsx,jpg,jpeg,png").split(",")
)
PARINDEX_EVIDENCE_MAX_BYTES = int(os.environ.get("PARINDEX_EVIDENCE_MAX_MB", "20")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Documents and tasks (docs/documents.md). PARINDEX_TEMPLATES_DIR: the province's own template
# files (docx/<kind>.docx, narrative/<name>.txt), each overriding the shipped one of that name.
PARINDEX_TEMPLATES_DIR = os.environ.get("PARINDEX_TEMPLATES_DIR", "")
# Tasks due within this many days are reminded (once per deadline) by `manage.py tasks_daily`.
PARINDEX_TASK_REMINDER_DAYS = int(os.environ.get("PARINDEX_TASK_REMINDER_DAYS", "7"))
# The province whose national position /national/ analyses, as the Ministry's table spells it,
# and its socio-economic region (for the published regional averages). The demo analyses
# Bắc Kạn on the shipped example table.
PARINDEX_PROVINCE_NAME = os.environ.get("PARINDEX_PROVINCE_NAME", "Bắc Kạn" if DEMO_MODE else "")
PARINDEX_PROVINCE_REGION = os.environ.get(
    "PARINDEX_PROVINCE_REGION", "Trung du miền núi phía Bắc" if DEMO_MODE else ""
)

EMAIL_BACKEND = os.environ.get(
    "PARINDEX_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("PARINDEX_FROM_EMAIL", "parindex@localhost")

# Structured logs on standard error (journald keeps them), each line with the request id
# (parindex/web/middleware.py): PARINDEX_LOG_FORMAT "kv" (key=value, default) or "json".
PARINDEX_LOG_FORMAT = os.environ.get("PARINDEX_LOG_FORMAT", "kv")
if PARINDEX_LOG_FORMAT not in {"kv", "json"}:
    raise ImproperlyConfigured(
        f"PARINDEX_LOG_FORMAT must be kv or json, not {PARINDEX_LOG_FORMAT!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "parindex.web.middleware.RequestIdFilter"}},
    "formatters": {
        "kv": {"()": "parindex.web.middleware.KeyValueFormatter"},
        "json": {"()": "parindex.web.middleware.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": PARINDEX_LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PARINDEX_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's development server logs each request itself; ours has the request id.
        "django.server": {"level": "WARNING"},
    },
}
