"""Settings for the portal, read from the environment in one place.

Environment variables:
    DATABASE_URL   database (default: SQLite file db.sqlite3 beside manage.py)
    SECRET_KEY     signing key (default: a random key kept in .secret_key, never committed)
    DEBUG          "1"/"true" for development (default: off)
    ALLOWED_HOSTS  comma-separated host names (default: 127.0.0.1,localhost)
    MEDIA_ROOT     where uploaded photos are stored (default: media/)
    TRUSTED_PROXY_COUNT  reverse proxies in front of the app that append to
                   X-Forwarded-For (default: 0, the client's own address is used)
    PRODUCTION     "1" for production (default: off); see below
    HTTPS          in production, whether the site is reached over HTTPS through the
                   TLS proxy (default: on); `make serve` sets it off for plain http on
                   loopback
    REDIS_URL      the cache shared by every app server (default: none, see CACHES)
    CACHE_DIR      without Redis, where the processes of one machine keep the public
                   pages' content version (default: .cache/versions)
    PUBLIC_PAGE_CACHE_SECONDS  how long a rendered public page is kept (default: 3600;
                   0 turns the page cache off)
    PUBLIC_FRAGMENT_CACHE_SECONDS  how long a fragment of a public page (a municipality's
                   page, a list's row) is kept under its record's version (default:
                   86400; 0 turns the fragments off, see public/fragments.py)
    BENCH_BARE_VIEW  "1" adds the empty view /_bench/tom/ for bench/load.py (default: off)
    MAP_TILE_URL   a tile URL template for the partner map, e.g.
                   https://{s}.tile.example.org/{z}/{x}/{y}.png (default: empty, no tiles:
                   the map is the server-drawn country outline map); its host is added to
                   the Content-Security-Policy's img-src
    MAP_TILE_ATTRIBUTION  the tiles' attribution, shown on the tile map (HTML allowed)

Production (PRODUCTION=1, set by `make serve`):
    * SECRET_KEY must be set (at least 50 characters) and DEBUG must be off, or the
      settings refuse to load; `make serve` passes the development key from .secret_key.
    * Static files are collected (`collectstatic`) and served by WhiteNoise with
      compressed, hashed names (CompressedManifestStaticFilesStorage). Outside production
      the plain storage is kept and WhiteNoise finds files in the app folders itself, so
      tests and `runserver --insecure` need no collectstatic and no manifest.
    * HSTS (one year, subdomains, preload), secure session and CSRF cookies, and the
      redirect to HTTPS are on, behind a TLS proxy that sets X-Forwarded-Proto (the proxy
      must overwrite that header, never pass on the client's). HTTPS=0 switches exactly
      these off, for `make serve` on http://127.0.0.1; `manage.py check --deploy` then
      warns about them, and is clean with the real production settings.
    * The health check /halsa/ is exempt from the HTTPS redirect, for the proxy's probes.

Always on: Content-Security-Policy (operations/security.py; strict on the public site, with
inline scripts and styles allowed under /admin/ only, because the Django admin and
django-import-export templates use them), nosniff, same-origin referrer policy,
X-Frame-Options DENY, and a Swedish 503 page when the database cannot be reached.
"""

import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def development_secret_key() -> str:
    """A per-checkout random key, so that no key is ever committed."""
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


PRODUCTION = env_bool("PRODUCTION")
DEBUG = env_bool("DEBUG")
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("PRODUCTION=1 and DEBUG=1 cannot both be set.")
    if len(os.environ.get("SECRET_KEY", "")) < 50:
        raise ImproperlyConfigured(
            "PRODUCTION=1 needs SECRET_KEY set to a random key of at least 50 characters."
        )
SECRET_KEY = os.environ.get("SECRET_KEY") or development_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "portal",
    "access",  # roles, scope, and the admin of the shared vocabulary
    "contacts",
    "partnerships",
    "projects",
    "networks",
    "seeking",
    "search",
    "api",
    "quality",
    "maps",  # its template filters
    "operations",
    "public",
    "datasets",
]

MIDDLEWARE = [
    # Public reads from a database replica, when there is one (operations/db_router.py).
    "operations.db_router.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page, and 304 Not Modified when the browser already has it.
    "django.middleware.http.ConditionalGetMiddleware",
    "operations.security.ContentSecurityPolicyMiddleware",
    # Public pages from the cache, before sessions and the rest (operations/page_cache.py).
    "operations.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Inside the others, so that its process_exception sees a view's database errors first.
    "operations.health.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a lockout into the Swedish lockout page.
    "axes.middleware.AxesMiddleware",
]

# bench/load.py turns on an empty view at /_bench/tom/ (portal/urls.py); never in production.
BENCH_BARE_VIEW = env_bool("BENCH_BARE_VIEW")

# Redis when REDIS_URL is set (shared by all app servers), local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_CACHE = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": REDIS_URL,
    "KEY_PREFIX": "portal",
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}
CACHES = {
    "default": (
        REDIS_CACHE
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}
    ),
    # The public pages' content version (operations/page_cache.py) must be one for every process,
    # or a gunicorn worker would go on serving a page that another worker's save made stale:
    # Redis, or without it a folder that the processes of this machine share.
    "versions": (
        REDIS_CACHE
        if REDIS_URL
        else {
            "BACKEND": "public.fragments.UnculledFileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR") or BASE_DIR / ".cache" / "versions",
        }
    ),
    # Fragments of public pages, each under its record's version (public/fragments.py):
    # Redis, or each process's memory (at most MAX_ENTRIES, a municipality's page is
    # about 200 KB).
    "fragments": (
        REDIS_CACHE
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "fragments",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    ),
}
# Public pages: kept in the cache until content changes (at most this long), and by
# browsers and proxies for PUBLIC_PAGE_MAX_AGE. 0 turns the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", 3600))
PUBLIC_PAGE_MAX_AGE = 60
# Fragments of public pages, kept under their records' versions (public/fragments.py);
# they work with the page cache on or off. 0 turns them off.
PUBLIC_FRAGMENT_CACHE_SECONDS = int(os.environ.get("PUBLIC_FRAGMENT_CACHE_SECONDS", 86400))

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username and address never reach the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "portal.urls"

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
                "portal.context_processors.site",
                "portal.context_processors.site_info",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
# Read-only replicas (DATABASE_REPLICA_URL, one URL or a comma-separated list): public GET
# and HEAD requests read from one, everything else uses "default" (operations/db_router.py).
# In tests they mirror "default", so a TestCase sees one database.
replica_urls = env_list("DATABASE_REPLICA_URL", "")
DATABASE_REPLICAS = [
    "replica" if len(replica_urls) == 1 else f"replica_{number}"
    for number in range(1, len(replica_urls) + 1)
]
for alias, url in zip(DATABASE_REPLICAS, replica_urls, strict=True):
    DATABASES[alias] = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    DATABASES[alias]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["operations.db_router.ReplicaRouter"] if DATABASE_REPLICAS else []
for database in DATABASES.values():
    if database["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation: the portal's queries read thousands of rows, not millions, and
        # PostgreSQL's JIT spent 0.3–1 s compiling plans that then ran in tens of milliseconds
        # (measured at 50 000 projects). The usual advice for web workloads.
        database.setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Swedish for the third-party admin screens that ship without it (import and export,
# history, login lockout): locale/sv/LC_MESSAGES/django.po.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production WhiteNoise looks files up in the app folders on each request, as
# runserver does, so that nothing has to be collected first.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Security headers, on everywhere; the HTTPS-only ones in production (module docstring).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION and env_bool("HTTPS", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^halsa/$"]
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True


def tile_source(url: str) -> str:
    """The Content-Security-Policy source for a tile URL template: its scheme and host, with
    a placeholder such as {s} as the wildcard ("https://*.tile.example.org")."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(
            f"MAP_TILE_URL must be an http(s) URL template such as "
            f"https://{{s}}.tile.example.org/{{z}}/{{x}}/{{y}}.png, not {url!r}."
        )
    return f"{parts.scheme}://{re.sub(r'[{][^}]*[}]', '*', parts.netloc)}"


# The partner map (maps/partner_map.py) is drawn on the server; with a tile URL, static/js/map.js
# lays tiles from that host over it. Empty: no tiles, and no tile host in the policy.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "").strip()
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "").strip()
MAP_TILE_SOURCES = [tile_source(MAP_TILE_URL)] if MAP_TILE_URL else []

# Content-Security-Policy, set by operations.security.ContentSecurityPolicyMiddleware. The public
# pages run no inline script or style (JSON-LD is data, not script). The Django admin and
# django-import-export use inline scripts, event handlers and style attributes, so paths
# under CSP_RELAXED_PATHS get the same policy with 'unsafe-inline' for scripts and styles.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", *MAP_TILE_SOURCES],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
CONTENT_SECURITY_POLICY_RELAXED = {
    **CONTENT_SECURITY_POLICY,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
}
CSP_RELAXED_PATHS = ["/admin/"]

# Uploaded spreadsheets and photos: refuse anything larger than this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# An import writes every row or none.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Admin login: five failed attempts for one username from one client address lock that
# pair out for an hour. Behind a reverse proxy, TRUSTED_PROXY_COUNT says how many proxies
# append to X-Forwarded-For; the client address is the entry that many places from the
# right, the one the outermost proxy wrote, so a client cannot pick its own address by
# sending the header. Without a proxy (0) the header is ignored. See access/client_ip.py.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or 0)
AXES_CLIENT_IP_CALLABLE = "access.client_ip.client_ip"
AXES_VERBOSE = False

# The open-data API under /api/v1/ (api/): read-only JSON, no login, the public pages'
# filters, and an OpenAPI 3 description at /api/v1/schema/.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.AlwaysJSON",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Internationella samarbeten – öppna data",
    "DESCRIPTION": (
        "Läs kommunernas internationella samarbeten som JSON: kommuner, samarbeten (vänorter, "
        "kommunala partnerskap och andra avtal), projekt, nätverk och organisationer. Bara "
        "publicerat innehåll. Listorna sidindelas och filtreras med samma parametrar som "
        "webbplatsens listor. Kontaktpersoners e-post och telefon visas bara när personen "
        "har godkänt det."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "portal.formatting.DatePrecision",
        "PeriodStatusEnum": "portal.formatting.PeriodStatus",
        "MunicipalityKindEnum": "portal.models.MunicipalityKind",
        "CooperationKindEnum": "portal.choices.CooperationKind",
        "ProjectKindEnum": "projects.models.ProjectKind",
        "OrganisationKindEnum": "contacts.models.OrganisationKind",
        "PartyRoleEnum": "partnerships.models.PartyRole",
        "ParticipantRoleEnum": "projects.models.ParticipantRole",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Who stands behind the site, for the accessibility statement and the footer.
SITE_INFO = {
    "organisation": os.environ.get("SITE_ORGANISATION", "Internationella samarbeten"),
    "email": os.environ.get("SITE_EMAIL", "tillganglighet@internationellasamarbeten.se"),
    "response_days": 5,
    "assessed_on": "23 november 2026",
    "statement_updated_on": "23 november 2026",
}

# External link checks (manage.py check_links, quality/links.py).
LINK_CHECK_TIMEOUT = 10  # seconds to connect and for each read
LINK_CHECK_MIN_INTERVAL = 1.0  # seconds between two requests to one host
LINK_CHECK_MAX_WORKERS = 8  # hosts checked at the same time
LINK_CHECK_ALLOWED_HOSTS = None  # None: any host; the tests allow only 127.0.0.1
