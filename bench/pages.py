"""Every page type at scale without the page cache, one request at a time: p50 and p95 of
each, beside the targets of issue 17.

    make bench-pages
    .venv/bin/python bench/pages.py --rounds 5 --only lists,search
    .venv/bin/python bench/pages.py --in-process      # no server: Django's test client

Prepares the database as bench/load.py does (`--database-url`, default portal_bench, the seeds
and 50 000 scale projects), adds two staff accounts for the admin (a national editor and the
coordinator of the municipality with the most projects), then serves the portal with
`make serve`, PUBLIC_PAGE_CACHE_SECONDS=0 and PUBLIC_FRAGMENT_CACHE_SECONDS=0 (every page
rendered from scratch, as for a new filter combination or the first request after an edit)
on loopback and asks each page over one keep-alive
connection: every URL `--rounds` times, after a warm-up that asks it of every worker (twice
as many requests at once as there are workers): a worker that has served for a while has
long paid its one-time costs (a new database connection's first plans, a map's outlines
for that view), which otherwise fell on one in two of the timed requests. A page type is many URLs: the
lists with each of their filters alone and together, a deep page and the last page, common
and rare search words; the admin's index, Datakvalitet, every change list (plain, searched
and filtered) and change forms, as each of the two staff accounts.

Prints, per page type, the number of URLs, p50, p95 and the slowest in milliseconds, the
largest answer in KB, and the target beside them; a line per target that is missed, and at
the end how many targets hold. Errors (any answer but 200) are listed and count as missed.
Throughput under load is bench/load.py's (`make bench-load`).
"""

import argparse
import http.client
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402  (bench/load.py: the database, the server)

ROOT = load.ROOT
KB = 1024


@dataclass
class PageType:
    label: str
    group: str
    target_ms: float  # p95
    urls: list[str]
    #: The largest answer this page type may give, in KB (None: no target).
    max_kb: float | None = None
    #: Which staff account asks (None: anonymous).
    account: str | None = None
    samples_ms: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    at = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[at]


# What to ask: read from the database in this process.


def staff_sessions(largest_slug: str) -> dict[str, str]:
    """Session keys of a national editor and a coordinator, made (once) in the database."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore

    from access.roles import COORDINATOR, NATIONAL_EDITOR
    from portal.models import CoordinatorAssignment, Municipality

    sessions = {}
    for username, group in (("bench-redaktor", NATIONAL_EDITOR), ("bench-samordnare", COORDINATOR)):
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "first_name": "Bench"}
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(Group.objects.get(name=group))
        if group == COORDINATOR:
            CoordinatorAssignment.objects.get_or_create(
                user=user, municipality=Municipality.objects.get(slug=largest_slug)
            )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions[username] = session.session_key
    return sessions


def admin_urls(username: str) -> tuple[list[str], list[str], list[str]]:
    """The change lists this account may see (plain and searched) and some change forms."""
    from django.contrib import admin
    from django.contrib.admin.views.main import SEARCH_VAR
    from django.contrib.auth.models import User
    from django.test import RequestFactory
    from django.urls import NoReverseMatch, reverse

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username=username)
    plain, searched, forms = [], [], []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_view_or_change_permission(request):
            continue
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        plain.append(url)
        if model_admin.search_fields:
            searched.append(f"{url}?{urlencode({SEARCH_VAR: 'klimat'})}")
            searched.append(f"{url}?{urlencode({SEARCH_VAR: 'kommun'})}")
        if opts.model_name in FORM_MODELS:
            instance = model_admin.get_queryset(request).order_by("-pk").first()
            if instance is not None:
                name = f"admin:{opts.app_label}_{opts.model_name}_change"
                forms.append(reverse(name, args=[instance.pk]))
    return plain, searched, forms


#: Models whose change form is timed (their latest row the account may see).
FORM_MODELS = {"project", "partnership", "municipality", "organisation", "network", "person"}


def page_types() -> list[PageType]:
    from django.db.models import Count

    from networks.models import Network
    from partnerships.models import Partnership
    from portal.models import Country, County, FundingSource, Municipality, Theme
    from projects.models import Programme, Project

    largest = largest_municipality()
    published = Project.objects.published()
    last_page = max(1, (published.count() + 19) // 20)
    theme = Theme.objects.filter(parent__isnull=True).order_by("slug").first().slug
    country = "DE" if Country.objects.filter(code="DE").exists() else Country.objects.first().code
    funding = FundingSource.objects.order_by("slug").first().slug
    programme = Programme.objects.annotate(n=Count("projects")).order_by("-n").first().slug
    county = County.objects.order_by("code").first().code
    project = published.order_by("-pk").first().slug
    partnership = Partnership.objects.published().order_by("-pk").first().slug
    network = Network.objects.published().order_by("pk").first().slug
    small = "ale" if Municipality.objects.filter(slug="ale").exists() else largest
    region = Municipality.objects.filter(kind="region").order_by("slug").first().slug

    def variants(path: str, filters: list[dict], pages=(2,)) -> list[str]:
        urls = [path]
        urls += [f"{path}?{urlencode(query)}" for query in filters]
        urls += [f"{path}?{urlencode({'page': page})}" for page in pages]
        return urls

    project_filters = [
        {"theme": theme},
        {"status": "pagaende"},
        {"region": "ovriga_varlden"},
        {"country": country},
        {"funding": funding},
        {"programme": programme},
        {"kind": "projekt"},
        {"municipality": largest},
        {"year_from": 2015, "year_to": 2018},
        {"theme": theme, "status": "pagaende", "region": "ovriga_varlden"},
        {"municipality": largest, "country": country, "status": "avslutat"},
        {"q": "klimat"},
        {"q": "samarbete"},
        {"q": "kommun", "status": "pagaende"},
        {"status": "avslutat", "page": 100},
    ]
    partnership_filters = [
        {"kind": "vanort"},
        {"status": "pagaende"},
        {"region": "norden"},
        {"country": country},
        {"municipality": largest},
        {"theme": theme},
        {"q": "klimat"},
        {"q": "samarbete"},
        {"kind": "vanort", "country": country, "status": "pagaende"},
    ]
    searches = ["klimat", "samarbete", "kommun", "Vaxjo", "Koge", "Interreg", "vänort", "skola"]
    admin_front = ["/admin/", "/admin/datakvalitet/"]
    types = [
        PageType("Startsidan", "public", 150, ["/"]),
        PageType(
            f"Kommunsidan, största ({largest})", "municipality", 100, [f"/kommuner/{largest}/"]
        ),
        PageType(
            "Kommunsidor, övriga",
            "municipality",
            150,
            [
                f"/kommuner/{small}/",
                "/kommuner/vaxjo/",
                "/kommuner/trollhattan/",
                f"/kommuner/{region}/",
            ],
        ),
        PageType("Kommunlistan", "public", 150, ["/kommuner/"]),
        PageType(
            "Projektlistan, filter, sidor, fritext",
            "lists",
            150,
            variants("/projekt/", project_filters, pages=(2, last_page // 2, last_page)),
        ),
        PageType(
            "Samarbetslistan, filter, sidor, fritext",
            "lists",
            150,
            variants("/samarbeten/", partnership_filters, pages=(2, 50)),
        ),
        PageType(
            "Nätverk, berättelser, söker partner",
            "lists",
            150,
            [
                "/natverk/",
                "/natverk/?q=klimat",
                "/berattelser/",
                "/berattelser/?q=skola",
                "/soker-partner/",
                "/soker-partner/?q=kommun",
            ],
        ),
        PageType(
            "Detaljsidor",
            "public",
            150,
            [f"/projekt/{project}/", f"/samarbeten/{partnership}/", f"/natverk/{network}/"],
        ),
        PageType(
            "Sök (/sok/)", "search", 50, [f"/sok/?{urlencode({'q': word})}" for word in searches]
        ),
        PageType(
            "Statistik",
            "public",
            200,
            [
                "/statistik/",
                f"/statistik/?county={county}",
                "/statistik/?kind=region",
                f"/statistik/?county={county}&kind=kommun",
            ],
        ),
        PageType("Kartan", "public", 200, ["/karta/"], max_kb=300),
        PageType(
            "API, listor och poster",
            "api",
            100,
            [
                "/api/v1/projects/",
                "/api/v1/projects/?page=3",
                f"/api/v1/projects/?municipality={largest}",
                f"/api/v1/projects/?country={country}&status=pagaende",
                f"/api/v1/projects/{project}/",
                "/api/v1/partnerships/",
                f"/api/v1/partnerships/{partnership}/",
                "/api/v1/municipalities/",
                f"/api/v1/municipalities/{largest}/",
                "/api/v1/networks/",
                "/api/v1/organisations/",
            ],
        ),
        PageType("Webbplatskartan (index och filer)", "sitemap", 1000, sitemap_urls()),
    ]
    for account, who in (
        ("bench-redaktor", "nationell redaktör"),
        ("bench-samordnare", "samordnare"),
    ):
        plain_admin, searched_admin, form_admin = admin_urls(account)
        types += [
            PageType(
                f"Admin: start, Datakvalitet ({who})", "admin", 300, admin_front, account=account
            ),
            PageType(f"Admin: ändringslistor ({who})", "admin", 300, plain_admin, account=account),
            PageType(f"Admin: sökningar ({who})", "admin", 500, searched_admin, account=account),
            PageType(f"Admin: ändringsformulär ({who})", "admin", 300, form_admin, account=account),
        ]
    return types


def sitemap_urls() -> list[str]:
    """The sitemap, and when it is an index, each file it points to."""
    from django.test import Client

    answer = Client(SERVER_NAME="127.0.0.1").get("/sitemap.xml")
    body = answer.content.decode()
    urls = ["/sitemap.xml"]
    if "<sitemapindex" in body:
        urls += [
            re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", body)
        ]
    return urls


# Asking


class Asker:
    """One keep-alive connection to the served portal, or Django's test client in-process."""

    def __init__(self, port: int | None):
        self.port = port
        self.connection = None
        if port is None:
            from django.test import Client

            self.client = Client(SERVER_NAME="127.0.0.1")

    def get(self, url: str, session: str | None) -> tuple[int, int]:
        if self.port is None:
            self.client.cookies.clear()
            if session:
                self.client.cookies["sessionid"] = session
            response = self.client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            return response.status_code, len(body)
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            headers = {"Cookie": f"sessionid={session}"} if session else {}
            try:
                self.connection.request("GET", url, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.connection.close()
                self.connection = None
            return response.status, len(body)
        raise AssertionError("unreachable")


def server_workers() -> int:
    """The number of gunicorn workers `make serve` starts (portal/gunicorn.conf.py)."""
    return int(os.environ.get("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)) + 1)


def warm_up(asker: Asker, url: str, session, workers: int) -> int:
    """Ask `url` of every worker: twice as many requests at once as there are workers, each
    on its own connection. A status that is not 200 if any answer has one, else 200."""
    if workers <= 1 or asker.port is None:
        return asker.get(url, session)[0]
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        answers = list(pool.map(lambda _: Asker(asker.port).get(url, session), range(2 * workers)))
    return next((status for status, _size in answers if status != 200), 200)


def run(types: list[PageType], asker: Asker, sessions: dict, rounds: int) -> None:
    workers = server_workers()
    for page_type in types:
        session = sessions.get(page_type.account) if page_type.account else None
        for url in page_type.urls:
            status = warm_up(asker, url, session, workers)
            if status != 200:
                page_type.errors.append(f"{url} → {status}")
                continue
            for _ in range(rounds):
                started = time.perf_counter()
                status, size = asker.get(url, session)
                page_type.samples_ms.append((time.perf_counter() - started) * 1000)
                page_type.sizes.append(size)
        p95 = percentile(page_type.samples_ms, 0.95)
        print(f"  {page_type.label}: p95 {p95:.0f} ms over {len(page_type.urls)} URLs", flush=True)


def report(types: list[PageType], args) -> int:
    print()
    print(
        f"Page cache off, one request at a time, {args.rounds} rounds a URL after a warm-up, "
        f"{'in-process' if args.in_process else 'make serve (gunicorn)'}, {os.cpu_count()} cores."
    )
    header = "| page type | URLs | p50 ms | p95 ms | max ms | largest KB | target | |"
    print(header)
    print("|---|---:|---:|---:|---:|---:|---|---|")
    held = missed = 0
    misses = []
    for page_type in types:
        p50 = percentile(page_type.samples_ms, 0.5)
        p95 = percentile(page_type.samples_ms, 0.95)
        slowest = max(page_type.samples_ms, default=float("nan"))
        largest = max(page_type.sizes, default=0) / KB
        target = f"p95 ≤ {page_type.target_ms:g} ms"
        holds = not page_type.errors and p95 <= page_type.target_ms
        if page_type.max_kb is not None:
            target += f", ≤ {page_type.max_kb:g} KB"
            holds = holds and largest <= page_type.max_kb
        held, missed = held + holds, missed + (not holds)
        if not holds:
            misses.append(page_type)
        print(
            f"| {page_type.label} | {len(page_type.urls)} | {p50:.0f} | {p95:.0f} | {slowest:.0f} "
            f"| {largest:.0f} | {target} | {'holds' if holds else 'MISSED'} |"
        )
    for page_type in misses:
        for error in page_type.errors:
            print(f"ERROR {page_type.label}: {error}")
    print(f"\nTargets: {held} hold, {missed} missed.")
    return 0


GROUPS = ("public", "municipality", "lists", "search", "api", "sitemap", "admin")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=load.DEFAULT_DATABASE_URL)
    parser.add_argument("--rounds", type=int, default=3, help="timed requests per URL (1–50)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--only", default=",".join(GROUPS), help=f"groups: {','.join(GROUPS)}")
    parser.add_argument("--in-process", action="store_true", help="Django's test client, no server")
    args = parser.parse_args()
    if not 1 <= args.rounds <= 50:
        parser.error("--rounds must be within 1..50.")
    only = set(args.only.split(","))
    if only - set(GROUPS):
        parser.error(f"--only takes {', '.join(GROUPS)}.")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("The benchmark runs on PostgreSQL: --database-url postgres://…")

    # Rendered from scratch: no page cache and no fragments (a new filter combination,
    # search word or page number, or the first request after an edit). What the fragments
    # make of repeated requests is bench/load.py's throughput.
    env = {**load.bench_environment(args.database_url), "PUBLIC_FRAGMENT_CACHE_SECONDS": "0"}
    load.prepare_database(args.database_url, env)
    load.setup_django(env)
    sessions = staff_sessions(largest_municipality())
    types = [page_type for page_type in page_types() if page_type.group in only]
    if args.in_process:
        run(types, Asker(None), sessions, args.rounds)
    else:
        base = f"http://127.0.0.1:{args.port}"
        log = Path(tempfile.gettempdir()) / "portal-bench-pages.log"
        log.unlink(missing_ok=True)
        print(f"Serving uncached on {base} (log: {log}).", flush=True)
        server = load.start_server(args.port, {**env, "PUBLIC_PAGE_CACHE_SECONDS": "0"}, log)
        try:
            load.wait_until_up(base)
            run(types, Asker(args.port), sessions, args.rounds)
        finally:
            load.stop_server(server)
    report(types, args)


def largest_municipality() -> str:
    """The municipality that owns the most published projects."""
    from django.db.models import Count

    from projects.models import Project

    return (
        Project.objects.published()
        .values("municipality__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")[0]["municipality__slug"]
    )


if __name__ == "__main__":
    main()
