"""Read replicas on real servers: a PostgreSQL primary and a true streaming replica of it.

The primary is a cluster of the tests' own (initdb in a temporary folder), loaded with the seeds
by the real commands; the replica is `pg_basebackup -R` of it, started as a hot standby that
replays the primary's WAL. To tell the two apart, a test pauses the replica's replay
(pg_wal_replay_pause), changes a municipality's name on the primary, and looks which name each
part of the portal shows: the public page (gunicorn with the production settings,
DATABASE_URL=primary, DATABASE_REPLICA_URL=replica) still shows the replica's, the admin the
primary's. After the replay resumes, the public page shows the new name too: replication lag
is all a resident ever sees of the replica.

They run once, in the first pass of .ci/run (marker `faults`), whatever DATABASE_URL says.
"""

import http.client
import json
import os
import re
import shutil
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from tests.production.processes import manage, production_env
from tests.production.servers import Portal, PostgreSQLCluster, postgresql_bin, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(postgresql_bin() is None, reason="PostgreSQL's server programs are missing"),
]

ADMIN_USERNAME = "replikprov"
ADMIN_PASSWORD = "ett-langt-losenord-for-replikprovet"
PAGE = "/kommuner/vaxjo/"


def sql(cluster: PostgreSQLCluster, query: str, *params):
    with psycopg.connect(
        host="127.0.0.1", port=cluster.port, user="postgres", dbname="portal", autocommit=True
    ) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchone() if cursor.description else None


def vaxjo_name(cluster: PostgreSQLCluster) -> str:
    return sql(cluster, "SELECT display_name FROM portal_municipality WHERE slug = 'vaxjo'")[0]


def vaxjo_public_name(cluster: PostgreSQLCluster) -> str:
    """Municipality.public_name, as the cluster has it."""
    query = "SELECT coalesce(nullif(display_name, ''), name) FROM portal_municipality WHERE slug = 'vaxjo'"
    return sql(cluster, query)[0]


def caught_up(primary: PostgreSQLCluster, replica: PostgreSQLCluster) -> bool:
    (target,) = sql(primary, "SELECT pg_current_wal_lsn()::text")
    (behind,) = sql(replica, "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", target)
    return behind <= 0


@contextmanager
def replay_paused(primary: PostgreSQLCluster, replica: PostgreSQLCluster):
    """The replica stops applying the primary's changes, as if it lagged behind."""
    wait_for(lambda: caught_up(primary, replica), 30, "The replica did not catch up.")
    sql(replica, "SELECT pg_wal_replay_pause()")
    wait_for(
        lambda: sql(replica, "SELECT pg_get_wal_replay_pause_state()")[0] == "paused",
        30,
        "The replica's replay did not pause.",
    )
    try:
        yield
    finally:
        sql(replica, "SELECT pg_wal_replay_resume()")


@pytest.fixture(scope="module")
def clusters():
    # Not under pytest's own temporary folder: that one is private to root, and as root the
    # clusters run as the postgres user.
    folder = Path(tempfile.mkdtemp(prefix="portal-replica-"))
    folder.chmod(0o755)  # the postgres user must reach the clusters inside
    primary = PostgreSQLCluster(folder / "primary")
    replica = PostgreSQLCluster(folder / "replica")
    started = []
    try:
        primary.create()
        started.append(primary)
        env = production_env(
            DATABASE_URL=primary.url,
            HTTPS="0",
            DJANGO_SUPERUSER_USERNAME=ADMIN_USERNAME,
            DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD,
            DJANGO_SUPERUSER_EMAIL="replikprov@example.se",
        )
        for command in (
            ["migrate", "--noinput"],
            ["load_initial_data"],
            ["collectstatic", "--noinput"],
            ["createsuperuser", "--noinput"],
        ):
            result = manage(*command, env=env)
            assert result.returncode == 0, result.stderr
        # A streaming replica: a base backup of the primary that, with -R, starts as a hot
        # standby following it (initdb's pg_hba.conf lets 127.0.0.1 replicate).
        replica.folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(replica.folder, "postgres", "postgres")
        replica.run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(replica.data), "-R", "-X", "stream", "-c", "fast"),
        )
        replica.start()
        started.append(replica)
        assert sql(replica, "SELECT pg_is_in_recovery()") == (True,)
        yield primary, replica
    finally:
        for cluster in reversed(started):
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def portal(clusters, tmp_path):
    primary, replica = clusters
    server = Portal(
        tmp_path / "gunicorn.log",
        DATABASE_URL=primary.url,
        DATABASE_REPLICA_URL=replica.url,
        PUBLIC_PAGE_CACHE_SECONDS="0",  # every request reaches a database
        CACHE_DIR=str(tmp_path / "versions"),
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()


def request(portal: Portal, method: str, path: str, *, cookies=None, form=None):
    """(status, headers, body as text); cookies are sent and updated from Set-Cookie."""
    cookies = {} if cookies is None else cookies
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", portal.port, timeout=30)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    for header in response.headers.get_all("Set-Cookie") or []:
        name, value = header.split(";", 1)[0].split("=", 1)
        cookies[name] = value
    connection.close()
    return response.status, response.headers, text


def log_in_to_admin(portal: Portal) -> dict:
    cookies = {}
    status, _, page = request(portal, "GET", "/admin/login/", cookies=cookies)
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, headers, _ = request(
        portal,
        "POST",
        "/admin/login/",
        cookies=cookies,
        form={
            "username": ADMIN_USERNAME,
            "password": ADMIN_PASSWORD,
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        },
    )
    assert (status, headers["Location"]) == (302, "/admin/"), "the admin login failed"
    return cookies


def test_public_pages_read_the_replica_and_the_admin_reads_the_primary(clusters, portal):
    primary, replica = clusters
    (vaxjo_id,) = sql(primary, "SELECT id FROM portal_municipality WHERE slug = 'vaxjo'")
    cookies = log_in_to_admin(portal)  # before the pause: the login writes a session
    new_name = f"Vaxjo enligt primaren {time.time_ns()}"

    with replay_paused(primary, replica):
        sql(
            primary,
            "UPDATE portal_municipality SET display_name = %s WHERE slug = 'vaxjo'",
            new_name,
        )
        assert vaxjo_name(replica) != new_name  # the replica lags behind

        status, _, public_page = request(portal, "GET", PAGE)
        assert status == 200
        assert new_name not in public_page  # read from the replica
        assert vaxjo_public_name(replica) in public_page

        status, _, admin_page = request(
            portal, "GET", f"/admin/portal/municipality/{vaxjo_id}/change/", cookies=cookies
        )
        assert status == 200
        assert f'value="{new_name}"' in admin_page  # read from the primary

        status, _, health = request(portal, "GET", "/halsa/")
        assert (status, json.loads(health)) == (200, {"databas": "ok", "cache": "ok"})

    # Once the replica has replayed the change, the public page shows it too.
    wait_for(
        lambda: new_name in request(portal, "GET", PAGE)[2], 30, "The replica never caught up."
    )


def test_a_write_in_a_public_request_moves_its_later_reads_to_the_primary(clusters, tmp_path):
    """Read-your-writes: a request that has written reads the primary from then on. No public
    page writes on GET, so the request is run here through the middleware and the router with
    the production settings, against the same two servers."""
    primary, replica = clusters
    new_name = f"Vaxjo skrivet i begaran {time.time_ns()}"
    script = f"""
import json
from django.http import HttpResponse
from django.test import RequestFactory
from operations.db_router import ReplicaReadsMiddleware
from portal.models import Municipality

seen = {{}}

def view(request):
    vaxjo = Municipality.objects.get(slug="vaxjo")
    seen["read_before_the_write"] = [vaxjo.display_name, vaxjo._state.db]
    vaxjo.display_name = {new_name!r}
    vaxjo.save(update_fields=["display_name"])
    vaxjo = Municipality.objects.get(slug="vaxjo")
    seen["read_after_the_write"] = [vaxjo.display_name, vaxjo._state.db]
    return HttpResponse()

ReplicaReadsMiddleware(view)(RequestFactory().get("{PAGE}"))
print(json.dumps(seen))
"""
    env = production_env(
        DATABASE_URL=primary.url,
        DATABASE_REPLICA_URL=replica.url,
        HTTPS="0",
        CACHE_DIR=str(tmp_path / "versions"),
    )
    with replay_paused(primary, replica):
        name_on_the_replica = vaxjo_name(replica)
        result = manage("shell", "--no-imports", "-c", script, env=env)
        assert result.returncode == 0, result.stderr
        seen = json.loads(result.stdout.strip().splitlines()[-1])
        assert vaxjo_name(primary) == new_name  # the write went to the primary
        assert vaxjo_name(replica) == name_on_the_replica

    assert seen == {
        "read_before_the_write": [name_on_the_replica, "replica"],
        "read_after_the_write": [new_name, "default"],
    }
