"""Load on `make serve` with the scale data on PostgreSQL: requests/s, p50/p95, queries.

    make bench-load
    .venv/bin/python bench/load.py --duration 10 --connections 10

Prepares the database (`--database-url`, default postgres://postgres@127.0.0.1:5432/
portal_bench: created when missing, migrated, the seeds and the scale data loaded once),
then starts `make serve` on loopback twice: with the public page cache (cached) and with
PUBLIC_PAGE_CACHE_SECONDS=0 (uncached). Each time, wrk (Debian's package) loads each page in
turn for `--duration` seconds after a short warm-up, over `--connections` connections from one
thread on the same machine: the portal's empty view (/_bench/tom/, through all its
middleware), a municipality page, the project list with three filters, and a search; the
search is also timed with one connection, where no request waits for another. Then a bare
Django project (bench/bare_django.py: one view, no middleware) on the same gunicorn settings,
the ceiling of issue 17's throughput targets. The SQL queries of each page are counted in
this process against the same database, uncached: those of its first request. "Uncached"
means without the whole-page cache; the fragments of public/fragments.py stay on (as in
production), so under load a repeat request of the municipality page or the list is
assembled from fragments kept under their records' versions and costs no query.

Load goes to 127.0.0.1 only and every run is bounded by `--duration`. The last lines say
whether the targets of issues 5 and 17 hold.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
SCALE_PROJECTS = 50_000

BARE = "the portal's empty view"
BARE_DJANGO = "bare Django view"
MUNICIPALITY = "municipality page"
PROJECT_LIST = "project list, 3 filters"
SEARCH = "search"
SEARCH_ONE = "search, 1 connection"
PAGES = {
    BARE: "/_bench/tom/",
    MUNICIPALITY: "/kommuner/vaxjo/",
    PROJECT_LIST: (
        "/projekt/?theme=miljoskydd-halsoskydd-och-klimat&status=pagaende&region=ovriga_varlden"
    ),
    SEARCH: "/sok/?q=klimat",
}
RESULT = re.compile(r"BENCH (.*)")


def manage(*args: str, env: dict, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def bench_environment(database_url: str, **settings: str) -> dict:
    """This process's environment for the benchmarked servers and commands: the given
    database, no Redis, and none of the settings a developer's shell may carry."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "PUBLIC_PAGE_CACHE_SECONDS"}
    }
    env.update(DATABASE_URL=database_url, REDIS_URL="", **settings)
    return env


def prepare_database(url: str, env: dict) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            print(f"Creating the database {name}.")
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    manage("migrate", "--noinput", "--verbosity", "0", env=env)
    manage("load_initial_data", "--verbosity", "0", env=env)
    count = manage(
        "shell",
        "-c",
        "from projects.models import Project; "
        "print(Project.objects.filter(slug__startswith='skala-').count())",
        env=env,
        capture=True,
    )
    found = int(count.split()[-1])
    if found < SCALE_PROJECTS:
        if found:
            manage("generate_scale_data", "--clear", env=env)  # an earlier, smaller run
        print("Generating the scale data (about a minute).")
        manage("generate_scale_data", env=env)
        # Statistics for every table, the link tables included, and the visibility map
        # (index-only scans), as autovacuum would make them in time on a live database.
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")


#: After the first worker answers, how long the others take to start (each compiles the
#: templates, portal/gunicorn.conf.py) on two cores; measuring meanwhile would time them.
WORKERS_SETTLE_SECONDS = 5


def wait_until_up(base: str, timeout: float = 300) -> None:
    wait_until_answers(base + "/halsa/", timeout)
    time.sleep(WORKERS_SETTLE_SECONDS)


def start_server(port: int, env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            ["make", "--no-print-directory", "serve", f"PORT={port}", "HOST=127.0.0.1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one process group: make, gunicorn and its workers
        )


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def start_bare_django(port: int, env: dict, log: Path) -> subprocess.Popen:
    """bench/bare_django.py on the portal's gunicorn settings: the ceiling of issue 17."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "--config",
                "portal/gunicorn.conf.py",
                "--no-control-socket",
                "bench.bare_django:application",
            ],
            cwd=ROOT,
            env={**env, "HOST": "127.0.0.1", "PORT": str(port), "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_answers(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s.")


def wrk(url: str, duration: float, connections: int) -> dict:
    output = subprocess.run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{duration:g}s",
            "--timeout",
            "10s",
            "--script",
            str(ROOT / "bench" / "report.lua"),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = RESULT.search(output)
    if not match:
        raise SystemExit(f"wrk printed no summary:\n{output}")
    figures = {key: int(value) for key, value in (part.split("=") for part in match[1].split())}
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def measure(base: str, args, with_one_connection: bool) -> dict:
    results = {}
    for label, path in PAGES.items():
        wrk(base + path, args.warmup, args.connections)
        results[label] = wrk(base + path, args.duration, args.connections)
        print(f"  {label}: {results[label]['rps']:.0f} requests/s", flush=True)
    if with_one_connection:
        results[SEARCH_ONE] = wrk(base + PAGES[SEARCH], args.duration, 1)
    return results


def setup_django(env: dict) -> None:
    """Django in this process, on the benchmark's database, without the page cache."""
    os.environ.update(env)
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def count_queries(env: dict) -> dict:
    """Each page's SQL queries, rendered in this process without the page cache."""
    setup_django(env)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    counts = {}
    for label, path in PAGES.items():
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}.")
        counts[label] = len(queries)
    return counts


def milliseconds(microseconds: int) -> str:
    return f"{microseconds / 1000:.1f}"


def report(cached: dict, uncached: dict, bare_django: dict, queries: dict, args) -> None:
    print()
    print(
        f"{args.connections} connections, {args.duration:g} s a page, "
        f"{os.cpu_count()} cores shared by wrk and gunicorn"
    )
    header = (
        "| page | queries | cached req/s | p50 ms | p95 ms | uncached req/s | p50 ms | p95 ms |"
    )
    print(header)
    print("|" + "---|" * header.count(" | ") + "---|")
    for label in PAGES:
        hit, miss = cached[label], uncached[label]
        print(
            f"| {label} | {queries[label]} | {hit['rps']:.0f} | {milliseconds(hit['p50_us'])} | "
            f"{milliseconds(hit['p95_us'])} | {miss['rps']:.0f} | {milliseconds(miss['p50_us'])} "
            f"| {milliseconds(miss['p95_us'])} |"
        )
    one = uncached[SEARCH_ONE]
    print(
        f"| {SEARCH_ONE} | {queries[SEARCH]} | | | | {one['rps']:.0f} | "
        f"{milliseconds(one['p50_us'])} | {milliseconds(one['p95_us'])} |"
    )
    errors = sum(
        result["socket_errors"] + result["non_2xx"]
        for results in (cached, uncached)
        for result in results.values()
    )
    print(f"\nErrors (socket errors and answers other than 2xx/3xx): {errors}")

    def verdict(holds: bool) -> str:
        return "holds" if holds else "MISSED"

    cached_share = cached[MUNICIPALITY]["rps"] / cached[BARE]["rps"]
    uncached_share = uncached[MUNICIPALITY]["rps"] / uncached[BARE]["rps"]
    print(
        f"Target: municipality page cached >= 50 % of the bare view: {cached_share:.0%} "
        f"({verdict(cached_share >= 0.5)})"
    )
    print(
        f"Target: municipality page uncached >= 15 % of the bare view: {uncached_share:.0%} "
        f"({verdict(uncached_share >= 0.15)})"
    )
    ceiling = bare_django["rps"]
    print(
        f"\n{BARE_DJANGO} (bench/bare_django.py, same gunicorn settings): {ceiling:.0f} requests/s"
    )
    for label, target in ((BARE, 0.6), (MUNICIPALITY, 0.15), (PROJECT_LIST, 0.10)):
        share = uncached[label]["rps"] / ceiling
        print(
            f"Target: {label} uncached >= {target:.0%} of the bare Django view: {share:.1%} "
            f"({verdict(share >= target)})"
        )
    p95 = one["p95_us"] / 1000
    print(
        f"Target: search p95 < 50 ms, one connection, uncached: {p95:.1f} ms ({verdict(p95 < 50)})"
    )
    p95_loaded = uncached[SEARCH]["p95_us"] / 1000
    print(
        f"        search p95 with {args.connections} connections, uncached: {p95_loaded:.1f} ms "
        f"({verdict(p95_loaded < 50)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--duration", type=float, default=10, help="seconds a page (max 60)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds before each page")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if not 0 < args.duration <= 60 or not 0 < args.warmup <= 10:
        parser.error("--duration must be within (0, 60] and --warmup within (0, 10].")
    if not 1 <= args.connections <= 256:
        parser.error("--connections must be within 1..256.")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk (or run `make bench-load`).")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("The benchmark runs on PostgreSQL: --database-url postgres://…")

    env = bench_environment(args.database_url, BENCH_BARE_VIEW="1")
    prepare_database(args.database_url, env)

    base = f"http://127.0.0.1:{args.port}"
    log = Path(tempfile.gettempdir()) / "portal-bench-serve.log"
    log.unlink(missing_ok=True)
    results = {}
    for mode, cache_seconds in (("cached", "3600"), ("uncached", "0")):
        print(f"Serving {mode} on {base} (log: {log}).", flush=True)
        server = start_server(args.port, {**env, "PUBLIC_PAGE_CACHE_SECONDS": cache_seconds}, log)
        try:
            wait_until_up(base)
            results[mode] = measure(base, args, with_one_connection=mode == "uncached")
        finally:
            stop_server(server)
    print(f"Serving {BARE_DJANGO} on {base} (log: {log}).", flush=True)
    server = start_bare_django(args.port, env, log)
    try:
        wait_until_answers(base + PAGES[BARE])
        wrk(base + PAGES[BARE], args.warmup, args.connections)
        bare_django = wrk(base + PAGES[BARE], args.duration, args.connections)
    finally:
        stop_server(server)
    queries = count_queries(env)
    report(results["cached"], results["uncached"], bare_django, queries, args)


if __name__ == "__main__":
    main()
