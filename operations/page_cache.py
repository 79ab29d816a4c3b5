"""Public pages from the cache, made anew as soon as content changes.

Every public page is the same for everyone (no login, no cookies, Swedish only), so a whole
response can be kept under its full path. The keys carry a content version; any save,
delete or many-to-many change of the portal's models moves the version on, so the next
request renders the page again. Nothing has to know which pages a change touches.

The cache is Redis when REDIS_URL is set (shared by every app server) and local memory
otherwise; the version then lives in a folder that all processes of the machine read, so a
save in one gunicorn worker makes every worker render the page anew. When the cache does not answer, pages are served from the database: a cache
fault is logged, never shown.
"""

import contextlib
import contextvars
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

VERSION_KEY = "public-pages:version"
# /_bench/ is bench/load.py's bare view: the ceiling is what Django costs without a cache.
NOT_CACHED_PREFIXES = ("/admin/", "/halsa/", "/static/", "/media/", "/_bench/")


def content_version() -> str:
    """The version of the content, the same in every process (the "versions" cache)."""
    versions = caches["versions"]
    version = versions.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        versions.add(VERSION_KEY, version, timeout=None)
        version = versions.get(VERSION_KEY) or version
    return version


#: Sent when content changed in a way no model signal describes (a bulk import, the fixture
#: loader): whatever is kept of the pages in smaller pieces (public/fragments.py) is renewed.
everything_changed = Signal()

#: True inside `bulk()`.
_bulk = contextvars.ContextVar("page_cache_bulk", default=False)


def in_bulk() -> bool:
    return _bulk.get()


@contextlib.contextmanager
def bulk():
    """Saves inside leave the public pages alone (an import writes thousands of rows, and
    working out which pages each touches would cost queries per row); at the end every page
    is renewed once, when the transaction commits (before it, a request could keep the old
    content under the new version)."""
    if _bulk.get():
        yield
        return
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)
        # The pages' version, and everything_changed; at once outside a transaction.
        transaction.on_commit(content_changed)


def content_changed(**kwargs) -> None:
    """Signal receiver: the next request of any public page renders it anew.

    Called without a signal (the bulk imports, after writing rows that send none), it sends
    `everything_changed`: only model signals say what changed. Inside `bulk()` (an import)
    the model signals are left alone: the block ends with one call without a signal."""
    if "signal" in kwargs and in_bulk():
        return
    try:
        caches["versions"].set(VERSION_KEY, str(time.time_ns()), timeout=None)
    except Exception:
        logger.exception("The page cache could not be told that content changed.")
    if "signal" not in kwargs:
        everything_changed.send(sender=None)


def page_key(request, version: str) -> str:
    # The scheme and host too: pages, robots.txt and the API write absolute addresses, so
    # a page rendered for one allowed host (or for http) must never be served for another.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    path = hashlib.sha256(address.encode()).hexdigest()
    # Today's date too: what is derived from it (a project's status, whether a partner
    # request is still current) changes at midnight without any save.
    return f"public-pages:{version}:{timezone.localdate().isoformat()}:{request.method}:{path}"


def cacheable_request(request) -> bool:
    return request.method in ("GET", "HEAD") and not request.path.startswith(NOT_CACHED_PREFIXES)


def cacheable_response(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and "private" not in control
        and "no-store" not in control
    )


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PUBLIC_PAGE_CACHE_SECONDS or not cacheable_request(request):
            return self.get_response(request)
        try:
            request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # CommonMiddleware answers 400
        try:
            key = page_key(request, content_version())
            cached = cache.get(key)
        except Exception:
            logger.exception("The page cache does not answer; serving from the database.")
            return self.get_response(request)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if cacheable_response(response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            # Browsers and proxies may keep it briefly; the server's copy is always current.
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
            try:
                cache.set(key, response, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
            except Exception:
                logger.exception("The page cache could not store %s.", request.path)
        return response
