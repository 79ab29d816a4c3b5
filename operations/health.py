"""Whether the site can serve: the health check and the Swedish 503 page.

`/halsa/` asks the database (SELECT 1) and the caches (set and get a key) and answers 200 with
{"databas": "ok", "cache": "ok"}, or 503 naming the part that failed. It is never cached.

DatabaseUnavailableMiddleware turns a database that cannot be reached (OperationalError,
InterfaceError) while a view runs or its template renders into templates/503.html with
Retry-After, never a stack trace. The driver's own classes count too: Django does not wrap
every call into the driver (closing a server-side cursor, as a filter form's choices do on
PostgreSQL, raises psycopg.OperationalError as it is). The page is rendered without context processors, since
they may query the database too. An error raised in another middleware (a session saved
after the view) still ends on the 500 page.
"""

import logging
import uuid

from django.core.cache import caches
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

OK = "ok"
FAILED = "fel"
RETRY_AFTER_SECONDS = 60


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database does not answer.")
        return False


def cache_ok() -> bool:
    """The page cache and the shared content version (Redis, or the folder CACHE_DIR, which
    must be writable) both keep what they are given."""
    key = "halsa:" + uuid.uuid4().hex
    try:
        for alias in ("default", "versions"):
            store = caches[alias]
            store.set(key, OK, timeout=10)
            answer = store.get(key)
            store.delete(key)
            if answer != OK:
                return False
        return True
    except Exception:
        logger.exception("Health check: the cache does not answer.")
        return False


@never_cache
def health(request):
    checks = {
        "databas": OK if database_ok() else FAILED,
        "cache": OK if cache_ok() else FAILED,
    }
    healthy = all(value == OK for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)


def database_unavailable_response() -> HttpResponse:
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable(exception: BaseException) -> bool:
    driver = connection.Database  # psycopg or sqlite3
    return isinstance(
        exception,
        OperationalError | InterfaceError | driver.OperationalError | driver.InterfaceError,
    )


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            logger.error(
                "Database unavailable on %s; answered 503.", request.path, exc_info=exception
            )
            return database_unavailable_response()
        return None
