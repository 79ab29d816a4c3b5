"""Faults under load: the served portal keeps answering, and never with a stack trace.

Each test serves the portal with gunicorn and the production settings (as `make serve` does)
against a PostgreSQL cluster and a Redis server of its own, which it may restart or stop
without touching the machine's services. The database holds the seeds, loaded by the real
commands. The load runs for FAULT_LOAD_SECONDS (default 60, as issue 5 asks).

They run once, in the first pass of .ci/run: whatever DATABASE_URL says, they use their
own cluster (marker `faults`).
"""

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pytest

from tests.production.processes import manage, production_env
from tests.production.servers import (
    Load,
    Portal,
    PostgreSQLCluster,
    RedisServer,
    postgresql_bin,
    rss_mb,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(postgresql_bin() is None, reason="PostgreSQL's server programs are missing"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is missing"),
]

LOAD_SECONDS = float(os.environ.get("FAULT_LOAD_SECONDS", 60))
# Pages that each ask the database something different; search and filters included.
PAGES = [
    "/",
    "/kommuner/",
    "/kommuner/vaxjo/",
    "/kommuner/trollhattan/",
    "/samarbeten/",
    "/projekt/?status=pagaende&region=ovriga_varlden&kind=projekt",
    "/natverk/",
    "/sok/?q=klimat",
    "/sok/?q=Vaxjo",
    "/berattelser/",
]
#: How much a worker may grow between the end of the warm-up and the end of the load.
MAX_WORKER_GROWTH_MB = 10


@pytest.fixture(scope="module")
def database():
    # Not under pytest's own temporary folder: that one is private to root, and as root the
    # cluster runs as the postgres user.
    folder = Path(tempfile.mkdtemp(prefix="portal-faults-"))
    cluster = PostgreSQLCluster(folder)
    try:
        cluster.create()
        env = production_env(DATABASE_URL=cluster.url, HTTPS="0")
        for command in (
            ["migrate", "--noinput"],
            ["load_initial_data"],
            ["collectstatic", "--noinput"],
        ):
            result = manage(*command, env=env)
            assert result.returncode == 0, result.stderr
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis():
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def serve(database, redis, tmp_path):
    servers = []

    def start(**environment: str) -> Portal:
        environment.setdefault("DATABASE_URL", database.url)
        environment.setdefault("REDIS_URL", redis.url)
        portal = Portal(tmp_path / "gunicorn.log", **environment)
        servers.append(portal)  # stopped below even if it never answers
        portal.start()
        return portal

    try:
        yield start
    finally:
        for portal in servers:
            portal.stop()


def clients_for(portal: Portal) -> int:
    """Full concurrency: two requests for every worker, so none is ever idle."""
    return 2 * portal.worker_count


def test_full_load_gives_no_errors_and_the_workers_memory_stays_flat(serve):
    portal = serve(PUBLIC_PAGE_CACHE_SECONDS="0")  # every request reaches the database
    workers = portal.workers()
    load = Load(portal.port, PAGES, clients_for(portal)).start()
    warm_up = min(10.0, LOAD_SECONDS / 4)
    time.sleep(warm_up)
    after_warm_up = {pid: rss_mb(pid) for pid in workers}
    samples = []
    while load.elapsed() < LOAD_SECONDS:
        time.sleep(1)
        samples.append({pid: rss_mb(pid) for pid in workers})
    load.stop()

    statuses = load.statuses()
    served = sum(statuses.values())
    # How much load was served depends on the machine (CI machines are shared and busy): it is
    # reported, not asserted. What must hold at any speed: no error and no dropped connection
    # (status 0), and every page answered, so each kind of request really was under load.
    print(f"Served {served} requests in {LOAD_SECONDS:.0f} s ({served / LOAD_SECONDS:.1f}/s).")
    assert set(statuses) == {200}, statuses
    assert set(load.paths_answered(200)) == set(PAGES), load.paths_answered(200)
    assert portal.workers() == workers  # none died and was replaced
    for pid in workers:
        # The median of the last quarter's samples, against the end of the warm-up.
        last = statistics.median(sample[pid] for sample in samples[-max(1, len(samples) // 4) :])
        assert last - after_warm_up[pid] < MAX_WORKER_GROWTH_MB, (pid, after_warm_up, samples[-1])


def test_a_database_restart_costs_a_few_503s_and_the_site_recovers_by_itself(serve, database):
    portal = serve(PUBLIC_PAGE_CACHE_SECONDS="0")
    workers = portal.workers()
    load = Load(portal.port, PAGES, clients_for(portal)).start()
    time.sleep(5)
    down_at = load.elapsed()
    database.restart()
    up_at = load.elapsed()
    time.sleep(10)
    load.stop()

    assert set(load.statuses(0, down_at)) == {200}
    during = load.statuses(down_at, up_at + 5)
    # At most the Swedish 503 page while PostgreSQL restarts: no 500, no dropped connection.
    assert set(during) <= {200, 503}, during
    if during[503]:
        page = load.last_503.decode()
        assert "Webbplatsen är tillfälligt otillgänglig" in page, page
        assert "Traceback" not in page
    # Recovered without a restart of the app: the same workers answer 200 again.
    assert set(load.statuses(up_at + 5)) == {200}, load.statuses(up_at + 5)
    assert portal.workers() == workers
    assert portal.get("/halsa/")[0] == 200


def test_without_redis_the_pages_come_from_the_database(serve, redis):
    portal = serve(PUBLIC_PAGE_CACHE_SECONDS="3600")
    for path in PAGES:
        assert portal.get(path)[0] == 200, path  # rendered, and cached in Redis
    assert portal.get("/halsa/")[0] == 200

    redis.stop()
    load = Load(portal.port, PAGES, clients_for(portal)).start()
    time.sleep(5)
    load.stop()
    assert set(load.statuses()) == {200}, load.statuses()
    status, body = portal.get("/halsa/")
    assert status == 503
    assert b'"cache": "fel"' in body and b'"databas": "ok"' in body

    redis.start()  # on the same port: the next requests use it again
    assert portal.get("/kommuner/vaxjo/")[0] == 200
    assert portal.get("/halsa/")[0] == 200
