"""Browser tests: the real site in a subprocess, driven by Debian's Chromium through Playwright.

Run only these:    .venv/bin/pytest tests/browser
Run all but these: .venv/bin/pytest -m "not browser"

Chromium comes from apt (`make browser` installs it), never from `playwright install`, and
axe-core comes inside the axe-playwright-python wheel, so nothing is fetched at run time.

Two choices here avoid conflicts with pytest-django and the rest of the suite:

* The site runs as `manage.py runserver` on a throwaway SQLite file, not through pytest-django's
  `live_server`: that one serves the test database and flushes it after each test, which would
  remove the seed data the other tests load once per session. These tests therefore never touch
  the test database and need no `django_db` mark.

* Playwright's sync API keeps an asyncio event loop running in the main thread from `start()`
  until `stop()`. While it runs, Django's async-safety check makes every ORM call in this process
  raise SynchronousOnlyOperation. The browser tests make no ORM calls, but the database tests
  that pytest runs after them do. So rather than switching the check off for the whole run with
  DJANGO_ALLOW_ASYNC_UNSAFE, Playwright lives in a package-scoped fixture (this directory has an
  `__init__.py`, so it is a package): it is stopped, and the loop with it, as soon as the last
  browser test has run.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = ROOT / "test-results"
SCREENSHOT_DIR = RESULTS_DIR / "screenshots"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
SERVER_START_TIMEOUT = 60  # seconds, for the server to answer after migrate and loading data


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_manage(args: list[str], env: dict[str, str], log) -> None:
    log.write(f"$ manage.py {' '.join(args)}\n")
    log.flush()
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed; see {log.name}", pytrace=False)


def wait_until_answering(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"runserver exited with {process.returncode}:\n{log_path.read_text()}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer, even 404 or 500, means the server is up
        except OSError:
            time.sleep(0.2)
    pytest.fail(
        f"runserver did not answer at {url} within {SERVER_START_TIMEOUT} s:\n"
        f"{log_path.read_text()}",
        pytrace=False,
    )


# Trollhättan's coordinator, for the admin pages (test_admin_in_browser.py).
COORDINATOR_USERNAME = "samordnare.trollhattan"
COORDINATOR_PASSWORD = "Webbläsartest-2026"
CREATE_COORDINATOR = f"""
from django.contrib.auth.models import Group, User
from portal.models import CoordinatorAssignment, Municipality
from access.roles import COORDINATOR
user = User.objects.create_user(
    {COORDINATOR_USERNAME!r}, password={COORDINATOR_PASSWORD!r}, is_staff=True,
    first_name="Kim", last_name="Samordnare",
)
user.groups.add(Group.objects.get(name=COORDINATOR))
CoordinatorAssignment.objects.create(
    user=user, municipality=Municipality.objects.get(slug="trollhattan")
)
"""


# A partner request (the seeds have none), for the /soker-partner/ pages.
PARTNER_REQUEST_SLUG = "trollhattan-soker-partnerskap"
CREATE_PARTNER_REQUEST = f"""
import datetime
from django.utils import timezone
from portal.models import Municipality, Theme
from seeking.models import PartnerRequest
partner_request = PartnerRequest.objects.create(
    title="Kommunalt partnerskap om skola och integration", slug={PARTNER_REQUEST_SLUG!r},
    kind="kommunalt_partnerskap", municipality=Municipality.objects.get(slug="trollhattan"),
    description="Vi söker en partner för **lärarutbyte** och arbete med integration.",
    valid_until=timezone.localdate() + datetime.timedelta(days=365), is_published=True,
)
partner_request.themes.set(Theme.objects.filter(slug__in=["skola-och-utbildning", "integration"]))
partner_request.set_world_regions(["ovriga_varlden"])
"""


@pytest.fixture(scope="package")
def site_url(tmp_path_factory) -> Iterator[str]:
    """Base URL of the site, served by runserver from its own SQLite file with all data loaded.

    DEBUG is off so that errors and 404 pages are the site's own; `--insecure` makes runserver
    serve the static files anyway.
    """
    tmp = tmp_path_factory.mktemp("browser-site")
    RESULTS_DIR.mkdir(exist_ok=True)
    log_path = RESULTS_DIR / "browser-server.log"
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'browser.sqlite3'}",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MEDIA_ROOT": str(tmp / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    with log_path.open("w", encoding="utf-8") as log:
        run_manage(["migrate", "--noinput"], env, log)
        run_manage(["load_initial_data"], env, log)
        run_manage(["shell", "-c", CREATE_COORDINATOR], env, log)
        run_manage(["shell", "-c", CREATE_PARTNER_REQUEST], env, log)
        log.write(f"$ manage.py runserver 127.0.0.1:{port} --noreload --insecure\n")
        log.flush()
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                f"127.0.0.1:{port}",
                "--noreload",
                "--insecure",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_answering(url + "/", process, log_path)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="package")
def browser():
    """Debian's headless Chromium; package-scoped, see the module docstring for why."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: run `make browser` (as root) or "
            "`apt-get install -y --no-install-recommends chromium`, "
            'or deselect these tests with -m "not browser".',
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser, site_url):
    """A fresh page in its own context (no shared cookies or focus), 1280 px wide.

    Requests to any host but the test server are aborted, so the pages are tested offline.
    """
    context = browser.new_context(
        base_url=site_url, viewport={"width": 1280, "height": 800}, locale="sv-SE"
    )
    site_host = urlsplit(site_url).netloc

    def offline_only(route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or url.netloc == site_host:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", offline_only)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="package")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
