"""Benchmark: the admin's project import (one row per project, django-import-export) of a
1 000-row file, preview and confirm, through the admin's own views.

    .venv/bin/python bench/project_import.py [--rows 1000] [--database-url postgres://…] [--kinds 20]

Makes the file from the database itself: the first rows of the project list exported by
`ProjectResource` (participants, themes, funding, money, dates and texts as the export
writes them) under new titles and without their ID, so that each row is a new project.
Then, as a national editor logged in with Django's test client, uploads it as XLSX (the
preview: every row read, checked and shown) and confirms it (the import: every row
written, with history), and times both, the transaction.on_commit work of the confirmation
included. Everything happens inside one transaction that is rolled back, and the dead rows
it leaves are vacuumed, so the database is left as it was. Without --database-url (or
DATABASE_URL) it runs on a throwaway SQLite database with the seeds, whose few hundred
projects are repeated to make the rows.

With --kinds N it also prints the N most frequent kinds of query of both steps (the SQL
with its values and lists of values folded), with their number per row: where to look
next.

Target (issue 17): preview and confirm of 1 000 rows together within 3 s on the scale
data (PostgreSQL, page cache off).
"""

import argparse
import io
import os
import re
import sys
import tempfile
import time
from collections import Counter
from itertools import cycle, islice
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.export_projects import setup_django  # noqa: E402

TARGET_SECONDS = 3.0


class Rollback(Exception):
    pass


def project_file(rows: int, existing: bool = False) -> bytes:
    """An XLSX of `rows` new projects in the export's own shape; with `existing`, the first
    `rows` projects themselves, under their IDs, each with one more word in its summary (an
    edited export read back: every row changes its record)."""
    from projects.models import Project
    from projects.resources import ProjectResource
    from spreadsheets.formats import XLSX

    resource = ProjectResource()
    headers = resource.get_export_headers()
    source = Project.objects.order_by("pk")[: rows if existing else min(rows, 5000)]
    exported = list(resource.export_rows(source))
    id_column, title_column = headers.index("ID"), headers.index("Titel")
    summary_column = headers.index("Kort beskrivning")
    body = []
    for number, row in enumerate(islice(cycle(exported), rows), start=1):
        row = list(row)
        if existing:
            row[summary_column] = f"{row[summary_column] or ''} Ändrad."
        else:
            row[id_column] = ""
            row[title_column] = f"Importerat {number}: {row[title_column]}"[:300]
        body.append(row)
    stream = io.BytesIO()
    XLSX().write(stream, headers, body, title="Projekt")
    return stream.getvalue()


def confirmation(html: str) -> dict:
    """The fields of the preview's confirmation form (its hidden inputs)."""
    from django.urls import reverse

    start = html.find('action="' + reverse("admin:projects_project_process_import"))
    assert start != -1, "the preview offers no confirmation (errors in the file?)"
    form = html[start : html.index("</form>", start)]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def query_kind(sql: str) -> str:
    """A query with its values folded, so that the same statement counts as one kind."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "N", sql)
    sql = re.sub(r"(%s|\?|N)(\s*,\s*(%s|\?|N))+", "…", sql)
    return sql


def run(rows: int, *, load: bool, kinds: int = 0, existing: bool = False) -> None:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client, TestCase
    from django.urls import reverse

    from projects.models import Project

    if load:
        call_command("migrate", verbosity=0)
        call_command("load_initial_data", verbosity=0)
    data = project_file(rows, existing)
    timings, queries, by_kind = {}, {}, Counter()

    def timed(name, function):
        count = [0]

        def counted(execute, sql, params, many, context):
            count[0] += 1
            if kinds:
                by_kind[query_kind(sql)] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            started = time.perf_counter()
            result = function()
            timings[name] = time.perf_counter() - started
        queries[name] = count[0]
        return result

    try:
        with transaction.atomic():
            user = get_user_model().objects.create_superuser("bench-project-import", "", None)
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            preview = timed(
                "preview",
                lambda: client.post(
                    reverse("admin:projects_project_import"),
                    {
                        "resource": "0",
                        "format": "",
                        "import_file": SimpleUploadedFile("projekt.xlsx", data),
                    },
                ),
            )
            assert preview.status_code == 200, preview.content[:2000]
            confirm_data = confirmation(preview.content.decode())

            def confirm():
                with TestCase.captureOnCommitCallbacks(execute=True):
                    return client.post(
                        reverse("admin:projects_project_process_import"), confirm_data
                    )

            confirmed = timed("confirm", confirm)
            assert confirmed.status_code == 302, confirmed.content[:2000]
            # The rows written: one history entry each, by this run's own user.
            imported = Project.history.filter(history_user=user).count()
            raise Rollback
    except Rollback:
        pass

    shape = "existing projects changed" if existing else "new projects"
    print(f"{rows} rows of {shape}, {len(data) / 1024:.0f} KB of XLSX; {imported} imported")
    print()
    print(f"{'step':<10} {'seconds':>8} {'rows/s':>8} {'queries':>8}")
    for name, seconds in timings.items():
        print(f"{name:<10} {seconds:>8.2f} {rows / seconds:>8.0f} {queries[name]:>8}")
    total = sum(timings.values())
    verdict = "holds" if total <= TARGET_SECONDS else "MISSED"
    print(f"\npreview + confirm: {total:.2f} s (target ≤ {TARGET_SECONDS:.0f} s: {verdict})")
    if kinds:
        print(f"\n{'per row':>8}  query (preview and confirm together)")
        for sql, count in by_kind.most_common(kinds):
            print(f"{count / rows:>8.2f}  {sql[:150]}")


def tidy_up() -> None:
    """The rolled-back rows are left behind as dead row versions (a thousand projects with
    their participants, lists, filter values, documents and history each run), which slow
    the page benchmarks on the same database until autovacuum comes: vacuum them now."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--kinds", type=int, default=0, help="print the N commonest queries")
    parser.add_argument(
        "--existing", action="store_true", help="rows that change existing projects"
    )
    args = parser.parse_args()
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    if args.database_url:
        setup_django(args.database_url)
        run(args.rows, load=False, kinds=args.kinds, existing=args.existing)
        tidy_up()
        return
    with tempfile.TemporaryDirectory(prefix="bench-project-import-") as workdir:
        setup_django(f"sqlite:///{Path(workdir) / 'bench.sqlite3'}")
        run(args.rows, load=True, kinds=args.kinds, existing=args.existing)


if __name__ == "__main__":
    main()
