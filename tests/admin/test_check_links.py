"""`manage.py check_links`: every external address checked once, politely, against a local
HTTP server; nothing leaves the machine."""

import http.server
import io
import socket
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

from contacts.models import Organisation
from networks.models import Network
from portal.models import Municipality
from projects.models import Project
from quality.links import LinkChecker, collect_urls
from quality.models import LinkCheck
from tests.factories import make_network, make_organisation, make_project

pytestmark = pytest.mark.django_db

SLOW_SECONDS = 1.5


class Handler(http.server.BaseHTTPRequestHandler):
    """/ok 200, /saknas 404, /fel 500, /flyttad → /ok, /slinga → itself, /bara-get answers
    HEAD with 405, /langsam answers after SLOW_SECONDS, /ut redirects off the machine."""

    def answer(self):
        self.server.log.append(
            (self.command, self.path, self.headers.get("User-Agent"), time.monotonic())
        )
        path = self.path
        if path == "/langsam":
            time.sleep(SLOW_SECONDS)
        if path == "/bara-get" and self.command == "HEAD":
            return self.reply(405)
        status, location = {
            "/ok": (200, None),
            "/bara-get": (200, None),
            "/langsam": (200, None),
            "/saknas": (404, None),
            "/fel": (500, None),
            "/flyttad": (301, "/ok"),
            "/slinga": (302, "/slinga"),
            "/ut": (302, "http://example.org/"),
        }.get(path, (404, None))
        self.reply(status, location)

    def reply(self, status, location=None):
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = answer

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.log = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def only_this_machine(settings, monkeypatch):
    """Only 127.0.0.1 may be checked, and any look-up of another name fails here, before
    it reaches a resolver: the seeds' real web sites are never contacted."""
    settings.LINK_CHECK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.LINK_CHECK_TIMEOUT = 1
    settings.LINK_CHECK_MIN_INTERVAL = 0.05
    looked_up = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost"):
            looked_up.append(host)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return looked_up


def with_website(server, path: str) -> Project:
    project = make_project(title=f"Projekt {path}", website=f"{server.url}{path}")
    project.save()
    return project


def run(**options) -> str:
    out = io.StringIO()
    call_command("check_links", stdout=out, **options)
    return out.getvalue()


def test_each_address_is_checked_and_the_answer_stored_in_swedish(server, only_this_machine):
    for path in ("/ok", "/saknas", "/fel", "/flyttad", "/langsam", "/bara-get", "/slinga"):
        with_website(server, path)
    started = timezone.now()

    output = run()

    checks = {check.url.removeprefix(server.url): check for check in LinkCheck.objects.all()}
    assert set(checks) == {"/ok", "/saknas", "/fel", "/flyttad", "/langsam", "/bara-get", "/slinga"}
    assert (checks["/ok"].ok, checks["/ok"].status_code, checks["/ok"].error) == (True, 200, "")
    assert (checks["/saknas"].ok, checks["/saknas"].error) == (False, "Svarade 404")
    assert (checks["/fel"].status_code, checks["/fel"].error) == (500, "Svarade 500")
    assert checks["/flyttad"].ok and checks["/flyttad"].final_url == f"{server.url}/ok"
    assert (checks["/langsam"].ok, checks["/langsam"].error) == (
        False,
        "Svarade inte inom 1 sekund",
    )
    assert checks["/bara-get"].ok
    assert (checks["/slinga"].ok, checks["/slinga"].error) == (
        False,
        "Omdirigerade för många gånger",
    )
    assert all(check.checked_at >= started for check in checks.values())
    assert "Kontrollerade 7 adresser: 4 svarade med fel." in output
    assert "Hoppade över" in output  # the seeds' real web sites
    assert only_this_machine == []


def test_head_first_get_only_when_head_is_refused_and_redirects_stay_head(server):
    with_website(server, "/bara-get")
    with_website(server, "/flyttad")
    run()
    requests = sorted((method, path) for method, path, _agent, _at in server.log)
    assert requests == [
        ("GET", "/bara-get"),
        ("HEAD", "/bara-get"),
        ("HEAD", "/flyttad"),
        ("HEAD", "/ok"),
    ]


def test_the_user_agent_names_the_portal(server):
    with_website(server, "/ok")
    run()
    ((_method, _path, agent, _at),) = server.log
    assert agent.startswith("Internationella-samarbeten-lankkontroll/")


def test_at_most_one_request_a_second_per_host(server, settings):
    settings.LINK_CHECK_MIN_INTERVAL = 0.3
    for path in ("/ok", "/saknas", "/fel", "/flyttad"):  # five requests with the redirect
        with_website(server, path)
    run(workers=8)
    times = sorted(at for _method, _path, _agent, at in server.log)
    assert len(times) == 5
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.29


def test_hosts_are_checked_in_parallel_within_the_bound(server, settings):
    """Two host names for this machine: with two workers both are checked at once, so the
    two slow answers take about one slow answer's time; with one worker, two."""
    settings.LINK_CHECK_ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.LINK_CHECK_TIMEOUT = 5
    port = server.server_address[1]
    urls = [f"http://127.0.0.1:{port}/langsam", f"http://localhost:{port}/langsam"]
    for workers, least, most in ((2, SLOW_SECONDS, 2 * SLOW_SECONDS), (1, 2 * SLOW_SECONDS, 9)):
        started = time.monotonic()
        results = list(LinkChecker(max_workers=workers).check_all(urls))
        elapsed = time.monotonic() - started
        assert all(result.ok for result in results)
        assert least <= elapsed < most, (workers, elapsed)


def test_a_name_that_does_not_exist(settings, only_this_machine):
    settings.LINK_CHECK_ALLOWED_HOSTS = ["finns-inte.example"]
    make_organisation(name="Testrup Kommune", website="http://finns-inte.example/")
    run()
    check = LinkCheck.objects.get(url="http://finns-inte.example/")
    assert (check.ok, check.error) == (False, "Namnet finns inte")
    assert only_this_machine == ["finns-inte.example"]  # refused here, never resolved


def test_a_redirect_off_the_allowed_hosts_is_not_followed(server, only_this_machine):
    project = with_website(server, "/ut")
    run()
    check = LinkCheck.objects.get(url=project.website)
    assert not check.ok
    assert check.error == "Omdirigerade till example.org, som inte får kontrolleras härifrån"
    assert only_this_machine == []


def test_every_kind_of_web_address_is_collected():
    make_organisation(name="Testrup Kommune", website="https://testrup.example/")
    make_network(website="https://natverk.example/")
    Municipality.objects.filter(slug="ale").update(website="https://ale.example/")
    with_website_project = make_project(title="P", website="ftp://filer.example/")
    with_website_project.save()
    urls = collect_urls()
    assert {"https://testrup.example/", "https://natverk.example/", "https://ale.example/"} <= urls
    assert "ftp://filer.example/" not in urls
    assert Organisation.objects.exclude(website="").count() > 1  # the seeds' own too
    assert (
        set(Project.objects.exclude(website="").values_list("website", flat=True))
        - {"ftp://filer.example/"}
        <= urls
    )
    assert set(Network.objects.exclude(website="").values_list("website", flat=True)) <= urls


def test_a_check_is_replaced_by_the_next_and_unused_addresses_are_forgotten(server):
    project = with_website(server, "/saknas")
    LinkCheck.objects.create(
        url="https://ingen-anvander.example/", checked_at=timezone.now(), ok=False, error="x"
    )
    run()
    assert LinkCheck.objects.get(url=project.website).error == "Svarade 404"
    project.website = f"{server.url}/ok"
    project.save()
    run()
    assert list(LinkCheck.objects.values_list("url", "ok")) == [(project.website, True)]


def test_the_data_quality_page_shows_a_failed_link_with_its_date(server, admin_client):
    project = with_website(server, "/saknas")
    run()
    page = admin_client.get("/admin/datakvalitet/").content.decode()
    assert f"{project.website}: Svarade 404" in page
    checked_at = timezone.localtime(LinkCheck.objects.get().checked_at)
    with translation.override("sv"):
        assert f"<td>{date_format(checked_at, 'j F Y')}</td>" in page  # "23 november 2026"
    assert f"/admin/projects/project/{project.pk}/change/" in page


@pytest.mark.parametrize("workers", [0, 9])
def test_the_number_of_workers_is_bounded(workers):
    with pytest.raises(CommandError, match="mellan 1 och 8"):
        run(workers=workers)
