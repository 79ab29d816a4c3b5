"""Checking the external web addresses the portal links to, politely.

`manage.py check_links` collects every address from the fields in
`quality.rules.link_sources`, checks each once and stores what it answered in LinkCheck:

- at most LINK_CHECK_MAX_WORKERS (8) hosts at a time, each host's addresses one after
  the other, and never more than one request a LINK_CHECK_MIN_INTERVAL (1 s) per host,
  redirects included;
- HEAD first, GET when the server does not allow HEAD (405, 501); redirects followed and
  the final answer recorded; LINK_CHECK_TIMEOUT (10 s) for connecting and for each read;
- a User-Agent that names the portal and how to reach it.

LINK_CHECK_ALLOWED_HOSTS (a list of host names, default None: any) limits which hosts may
be contacted at all, redirects included; the tests set it to 127.0.0.1.
"""

import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

MAX_WORKERS = 8


def user_agent() -> str:
    email = settings.SITE_INFO.get("email", "")
    contact = f"; +mailto:{email}" if email else ""
    return f"Internationella-samarbeten-lankkontroll/1.0 (kontroll av portalens externa lankar{contact})"


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool
    status_code: int | None = None
    final_url: str = ""
    error: str = ""
    checked_at: object = field(default_factory=timezone.now)


class HostNotAllowed(Exception):
    """A request to a host outside LINK_CHECK_ALLOWED_HOSTS."""


class HostPacer:
    """At most one request per interval to each host, across threads."""

    def __init__(self, interval: float):
        self.interval = interval
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects through the checker (allow-list and pace), and keeps HEAD a HEAD
    (urllib's own handler turns it into a GET)."""

    def __init__(self, checker: "LinkChecker"):
        self.checker = checker

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        request = super().redirect_request(req, fp, code, msg, headers, newurl)
        if request is not None:
            self.checker.before_request(request.full_url)
            request.method = req.get_method()
        return request


def _seconds(value: float) -> str:
    number = f"{value:g}".replace(".", ",")
    return f"{number} sekund" if value == 1 else f"{number} sekunder"


def describe_error(error: BaseException, timeout: float) -> str:
    """What went wrong, in Swedish, for the data-quality page."""
    if isinstance(error, urllib.error.HTTPError):
        if 300 <= error.code < 400:
            return "Omdirigerade för många gånger"
        return f"Svarade {error.code}"
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
        error = error.reason
    if isinstance(error, HostNotAllowed):
        return f"Omdirigerade till {error}, som inte får kontrolleras härifrån"
    if isinstance(error, socket.gaierror):
        no_such_name = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
        if error.errno in no_such_name:
            return "Namnet finns inte"
        return "Namnet gick inte att slå upp"
    if isinstance(error, TimeoutError):
        return f"Svarade inte inom {_seconds(timeout)}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return "Webbplatsens certifikat godtas inte"
    if isinstance(error, ssl.SSLError):
        return "Den krypterade anslutningen misslyckades"
    if isinstance(error, ConnectionRefusedError):
        return "Tog inte emot anslutningar"
    if isinstance(error, ConnectionError | http.client.HTTPException):
        return "Avbröt anslutningen utan att svara"
    if isinstance(error, ValueError):
        return "Adressen är ogiltig"
    return f"Gick inte att nå ({error})"[:300]


class LinkChecker:
    def __init__(
        self,
        *,
        timeout: float | None = None,
        interval: float | None = None,
        max_workers: int | None = None,
        allowed_hosts: Iterable[str] | None = None,
    ):
        self.timeout = timeout if timeout is not None else settings.LINK_CHECK_TIMEOUT
        interval = interval if interval is not None else settings.LINK_CHECK_MIN_INTERVAL
        self.pacer = HostPacer(interval)
        workers = max_workers if max_workers is not None else settings.LINK_CHECK_MAX_WORKERS
        self.max_workers = max(1, min(workers, MAX_WORKERS))
        if allowed_hosts is None:
            allowed_hosts = settings.LINK_CHECK_ALLOWED_HOSTS
        self.allowed_hosts = (
            None if allowed_hosts is None else {host.lower() for host in allowed_hosts}
        )

    def allowed(self, url: str) -> bool:
        return self.allowed_hosts is None or host_of(url) in self.allowed_hosts

    def before_request(self, url: str) -> None:
        """Every request, redirects included, passes here: the allow-list, then the pace."""
        if not self.allowed(url):
            raise HostNotAllowed(host_of(url))
        self.pacer.wait(host_of(url))

    def _open(self, url: str, method: str) -> tuple[int, str]:
        request = urllib.request.Request(
            url, method=method, headers={"User-Agent": user_agent(), "Accept": "*/*"}
        )
        opener = urllib.request.build_opener(_RedirectHandler(self))
        self.before_request(url)
        with opener.open(request, timeout=self.timeout) as response:
            return response.status, response.geturl()

    def check(self, url: str) -> LinkResult:
        try:
            try:
                status, final_url = self._open(url, "HEAD")
            except urllib.error.HTTPError as error:
                if error.code not in (405, 501):
                    raise
                error.close()
                status, final_url = self._open(url, "GET")
        except urllib.error.HTTPError as error:
            error.close()
            return LinkResult(url, False, error.code, error.url or "", describe_error(error, 0))
        except (OSError, ValueError, http.client.HTTPException, HostNotAllowed) as error:
            return LinkResult(url, False, error=describe_error(error, self.timeout))
        ok = 200 <= status < 400
        return LinkResult(url, ok, status, final_url, "" if ok else f"Svarade {status}")

    def _check_host(self, urls: list[str]) -> list[LinkResult]:
        return [self.check(url) for url in urls]

    def check_all(self, urls: Iterable[str]) -> Iterator[LinkResult]:
        """Each allowed address once; hosts in parallel, each host's addresses in turn."""
        by_host: dict[str, list[str]] = defaultdict(list)
        for url in sorted(set(urls)):
            if self.allowed(url):
                by_host[host_of(url)].append(url)
        if not by_host:
            return
        with ThreadPoolExecutor(max_workers=min(self.max_workers, len(by_host))) as pool:
            futures = [pool.submit(self._check_host, host_urls) for host_urls in by_host.values()]
            for future in as_completed(futures):
                yield from future.result()


def collect_urls() -> set[str]:
    """Every http(s) address in the fields of quality.rules.link_sources."""
    from quality.rules import link_sources

    urls = set()
    for model, field_name, _scope, _label in link_sources():
        for value in (
            model._default_manager.exclude(**{field_name: ""})
            .order_by()
            .values_list(field_name, flat=True)
            .distinct()
        ):
            if urlsplit(value).scheme in ("http", "https"):
                urls.add(value)
    return urls
