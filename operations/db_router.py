"""Read-only database replicas: the public site reads from one, everything else uses the primary.

With DATABASE_REPLICA_URL set, portal/settings.py adds the replica aliases ("replica", or
"replica_1" … "replica_n" for a comma-separated list) to DATABASES, lists them in
DATABASE_REPLICAS and installs ReplicaRouter. Without it there is no router, and
ReplicaReadsMiddleware removes itself at startup.

Reads go to the primary ("default") unless a request has asked for a replica, so management
commands, migrations, the shell and tests never read a replica. ReplicaReadsMiddleware asks
for one, picked at random for the whole request, when the request is a GET or HEAD outside
PRIMARY_PATH_PREFIXES (the admin and the health check). Even then the primary is read:

* inside a transaction on the primary (transaction.atomic, and so every Django TestCase);
* after the request's first write (read-your-writes): a write moves the rest of the request
  to the primary;
* for REPLICA_LAG_ALLOWANCE_SECONDS after any content change, while the page cache is on: the
  change has moved the content version on (operations/page_cache.py), and a page rendered now is
  kept under the new version, so one rendered from a replica that has not yet replayed the
  change would stay stale in the cache until the next change.

Writes always go to the primary, and migrations only run there. A streamed response (the
public lists' downloads) reads its rows while it is sent, after the middleware has returned;
its iteration reads from the replica the request was given.
"""

import logging
import random
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import FileResponse

from operations.page_cache import VERSION_KEY

#: Where the current request's reads go: a replica alias, or None for the primary.
_read_alias: ContextVar[str | None] = ContextVar("portal_read_alias", default=None)

#: Requests under these paths read from the primary whatever their method.
PRIMARY_PATH_PREFIXES = ("/admin/", "/halsa/")
READ_METHODS = frozenset({"GET", "HEAD"})
#: How far a replica may lag behind without a cached page keeping what it missed.
REPLICA_LAG_ALLOWANCE_SECONDS = 10

logger = logging.getLogger(__name__)


def read_alias() -> str | None:
    """The replica that reads of the current request go to, or None for the primary."""
    return _read_alias.get()


def use_primary() -> None:
    """Read from the primary for the rest of the current request."""
    _read_alias.set(None)


class ReplicaRouter:
    def __init__(self, replicas=None):
        self.replicas = frozenset(settings.DATABASE_REPLICAS if replicas is None else replicas)

    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        use_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        """The replicas hold the primary's data, so objects read from either may be related."""
        databases = {DEFAULT_DB_ALIAS, *self.replicas}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db in self.replicas:
            return False
        return None


def reads_from_replica(request) -> bool:
    return request.method in READ_METHODS and not request.path.startswith(PRIMARY_PATH_PREFIXES)


def content_just_changed() -> bool:
    """Whether the page cache is on and the content changed less than
    REPLICA_LAG_ALLOWANCE_SECONDS ago (the content version is the time of the last change)."""
    if not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return False
    try:
        version = caches["versions"].get(VERSION_KEY)
    except Exception:
        logger.exception("The content version could not be read; reading from a replica.")
        return False
    if version is None:
        return False
    return time.time_ns() - int(version) < REPLICA_LAG_ALLOWANCE_SECONDS * 1_000_000_000


class ReplicaReadsMiddleware:
    """Sends the reads of public GET and HEAD requests to a replica (module docstring)."""

    def __init__(self, get_response):
        if not settings.DATABASE_REPLICAS:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.replicas = list(settings.DATABASE_REPLICAS)

    def __call__(self, request):
        if not reads_from_replica(request) or content_just_changed():
            return self.get_response(request)
        alias = random.choice(self.replicas)
        token = _read_alias.set(alias)
        try:
            response = self.get_response(request)
            # A file (static, media) reads nothing, and wrapping it would lose sendfile.
            streams_rows = response.streaming and not isinstance(response, FileResponse)
            if streams_rows and _read_alias.get() == alias:
                response.streaming_content = _reading_from(alias, response.streaming_content)
            return response
        finally:
            _read_alias.reset(token)


def _reading_from(alias, chunks):
    """The chunks of a streamed response, produced while reads go to `alias`; the server
    iterates them after the middleware has returned."""
    previous = _read_alias.get()
    _read_alias.set(alias)
    try:
        yield from chunks
    finally:
        _read_alias.set(previous)
