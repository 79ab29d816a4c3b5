"""The project list downloaded whole (about 50 000 rows) in each format: time to the first
bytes, total time, rows per second, size, and how much the process's peak memory grew.

    make bench-downloads
    .venv/bin/python bench/downloads.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench
    .venv/bin/python bench/downloads.py --as-is --only csv,json    # no migrate, no seeds

Prepares the database like bench/load.py (created when missing, migrated, the seeds and the
scale data loaded once); `--as-is` uses it as it is. Each format is downloaded in a fresh
process through Django's test client, the whole middleware stack included, with the page
cache off, reading the streamed response chunk by chunk as a browser would. Memory is the
growth of the process's peak resident size (`ru_maxrss`) over the download, after one
warm-up download of a single municipality; each format is downloaded for one year's
projects (about a tenth) and whole, so that memory that grows with the rows shows.

The last lines set each figure beside its target: the first bytes within a second
(issue 6); at least 5 000 rows/s for the whole list (issue 17); memory flat, the whole list
taking less than 16 MB more than a tenth of it (issues 6 and 17: the file never sits whole
in memory).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import DEFAULT_DATABASE_URL, bench_environment, prepare_database  # noqa: E402

FORMATS = ("csv", "xlsx", "json")
PATH = "/projekt/ladda-ner.{}"
FIRST_BYTES_TARGET = 1.0  # seconds
ROWS_PER_SECOND_TARGET = 5000  # the whole list, each format
MEMORY_GROWTH_TARGET = 16  # MB more for the whole list than for a tenth of it
PART = {"year_from": "2015", "year_to": "2015"}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(file_format: str, part: bool) -> dict:
    """Runs in its own process (--worker): one download, timed and weighed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.test import Client

    from projects.models import Project

    client = Client(HTTP_HOST="127.0.0.1")
    warm = client.get(PATH.format(file_format), {"municipality": "vaxjo"})
    b"".join(warm.streaming_content)
    params = PART if part else {}
    rows = Project.objects.published()
    if part:
        rows = rows.filter(start_date__year__lte=2015, ends_on__year__gte=2015)
    rows = rows.count()
    baseline = peak_mb()

    started = time.perf_counter()
    response = client.get(PATH.format(file_format), params)
    first = None
    size = 0
    for chunk in response.streaming_content:
        if chunk and first is None:
            first = time.perf_counter() - started
        size += len(chunk)
    total = time.perf_counter() - started
    return {
        "format": file_format,
        "part": part,
        "status": response.status_code,
        "rows": rows,
        "first_bytes_s": first,
        "total_s": total,
        "size_mb": size / 1024 / 1024,
        "peak_growth_mb": peak_mb() - baseline,
        "peak_mb": peak_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--as-is", action="store_true", help="use the database as it is: no migrate, no seeds"
    )
    parser.add_argument(
        "--only", default=",".join(FORMATS), help="formats, comma-separated (csv,xlsx,json)"
    )
    parser.add_argument("--worker", choices=FORMATS, help=argparse.SUPPRESS)
    parser.add_argument("--part", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(measure(args.worker, args.part)), flush=True)
        return
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("The benchmark runs on PostgreSQL: --database-url postgres://…")

    formats = [name for name in args.only.split(",") if name]
    if unknown := set(formats) - set(FORMATS):
        parser.error(f"Unknown formats: {', '.join(sorted(unknown))}")
    env = bench_environment(args.database_url, DEBUG="0", PUBLIC_PAGE_CACHE_SECONDS="0")
    if not args.as_is:
        prepare_database(args.database_url, env)

    def run(file_format: str, part: bool) -> dict:
        command = [sys.executable, __file__, "--worker", file_format, *(["--part"] if part else [])]
        output = subprocess.run(
            command, cwd=ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE
        ).stdout
        line = next(line for line in output.splitlines() if line.startswith("RESULT "))
        return json.loads(line.removeprefix("RESULT "))

    results = [
        (run(file_format, part=True), run(file_format, part=False)) for file_format in formats
    ]

    print(
        f"\nThe project list downloaded per format: the projects of 2015 "
        f"({results[0][0]['rows']:,} rows) and the whole list ({results[0][1]['rows']:,} rows):\n"
    )
    print(
        f"{'format':<7}{'rows':>8}{'first bytes':>13}{'total':>10}{'rows/s':>9}{'size':>11}"
        f"{'peak':>11}{'peak growth':>14}"
    )
    for pair in results:
        for result in pair:
            print(
                f"{result['format']:<7}{result['rows']:>8,}"
                f"{result['first_bytes_s'] * 1000:>10.0f} ms{result['total_s']:>8.1f} s"
                f"{result['rows'] / result['total_s']:>9,.0f}"
                f"{result['size_mb']:>8.1f} MB{result['peak_mb']:>8.0f} MB"
                f"{result['peak_growth_mb']:>11.1f} MB"
            )
    print("\nThe whole list beside the targets:")
    held = 0
    for part, whole in results:
        rate = whole["rows"] / whole["total_s"]
        growth = whole["peak_growth_mb"] - part["peak_growth_mb"]
        checks = (
            (
                f"first bytes {whole['first_bytes_s'] * 1000:.0f} ms "
                f"(target within {FIRST_BYTES_TARGET:.0f} s)",
                whole["first_bytes_s"] < FIRST_BYTES_TARGET,
            ),
            (
                f"{rate:,.0f} rows/s (target ≥ {ROWS_PER_SECOND_TARGET:,})",
                rate >= ROWS_PER_SECOND_TARGET,
            ),
            (
                f"peak memory {whole['peak_mb']:.0f} MB, {growth:+.1f} MB beside a tenth of the "
                f"list (target flat: under {MEMORY_GROWTH_TARGET} MB more)",
                growth < MEMORY_GROWTH_TARGET,
            ),
        )
        for text, ok in checks:
            held += ok
            print(f"  {whole['format']:<5} {text}: {'holds' if ok else 'MISSED'}")
    print(f"{held} of {3 * len(results)} targets hold.")


if __name__ == "__main__":
    main()
