"""Benchmark: the import of a project list with one row per partner, dry run and import.

    .venv/bin/python bench/project_list_import.py [--projects 1000] [--database-url postgres://…]

Makes a realistic list (tests/data/project_lists.py: about three partner rows a project,
the spellings programmes and keep.eu use, about 500 organisations the register lacks, planted
errors) and times, in one process: reading the CSV, the dry run (`partner_list_plan`), the
import (`partner_list_import`) and a second dry run, which finds every project already
there. Without --database-url (or DATABASE_URL) it runs on a throwaway SQLite database loaded
with `load_initial_data`; on a given database everything happens inside one transaction that
is rolled back, so the database is left as it was.

Targets: dry run and import of 1 000 projects (about 3 000 rows) together under 10 s
(issue 6), within 3 s on the scale data (issue 17: `--database-url` of the benchmark
database, bench/load.py).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.export_projects import setup_django  # noqa: E402

TARGET_SECONDS = 10.0
SCALE_TARGET_SECONDS = 3.0  # issue 17, on the scale data


class Rollback(Exception):
    pass


def run(projects: int, *, load: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from projects.partner_list_import import (
        ProjectStatus,
        partner_list_import,
        partner_list_plan,
        read_partner_list,
    )
    from tests.data.project_lists import csv_text, project_rows

    if load:
        call_command("migrate", verbosity=0)
        call_command("load_initial_data", verbosity=0)
    data = csv_text(project_rows(projects)).encode("utf-8")
    timings = {}

    def timed(name, function):
        started = time.perf_counter()
        result = function()
        timings[name] = time.perf_counter() - started
        return result

    try:
        with transaction.atomic():
            user = get_user_model().objects.create_superuser("bench-project-list", "", None)
            rows = timed("read", lambda: read_partner_list(data))
            plan = timed("plan", lambda: partner_list_plan(rows=rows, user=user))
            result = timed(
                "import", lambda: partner_list_import(plan=plan, user=user, publish=True)
            )
            again = timed("plan again", lambda: partner_list_plan(rows=rows, user=user))
            raise Rollback
    except Rollback:
        pass

    print(f"{projects} projects, {len(rows)} partner rows, {len(data) / 1024:.0f} KB of CSV")
    counts = ", ".join(f"{count} {status.value}" for status, count in plan.counts().items())
    print(f"dry run:  {counts}")
    print(
        f"imported: {result.projects} projects, {result.participants} participants, "
        f"{result.organisations} new organisations; second dry run: "
        f"{again.counts()[ProjectStatus.DUPLICATE]} already there, {len(again.to_import)} to import"
    )
    print()
    print(f"{'step':<12} {'seconds':>8} {'rows/s':>8}")
    for name, seconds in timings.items():
        print(f"{name:<12} {seconds:>8.2f} {len(rows) / seconds:>8.0f}")
    total = timings["plan"] + timings["import"]
    verdict = "holds" if total < TARGET_SECONDS else "MISSED"
    scale_verdict = "holds" if total <= SCALE_TARGET_SECONDS else "MISSED"
    print(
        f"\ndry run + import: {total:.2f} s (target < {TARGET_SECONDS:.0f} s: {verdict}; "
        f"on the scale data ≤ {SCALE_TARGET_SECONDS:.0f} s: {scale_verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()
    if args.database_url:
        setup_django(args.database_url)
        run(args.projects, load=False)
        return
    with tempfile.TemporaryDirectory(prefix="bench-project-list-") as workdir:
        setup_django(f"sqlite:///{Path(workdir) / 'bench.sqlite3'}")
        run(args.projects, load=True)


if __name__ == "__main__":
    main()
