"""Benchmark: exporting projects to XLSX, CSV and ODS.

    .venv/bin/python bench/export_projects.py [--rows 50000] [--only ours-xlsx,raw-csv]

Creates ROWS projects (with themes, funding sources, partner countries and participants)
in a throwaway SQLite database, or, when DATABASE_URL is set, in that database (they are
made under the slug prefix "bench-" and deleted afterwards). Then every export path runs
in a fresh subprocess, which reports its time and its peak memory (ru_maxrss of that
process, so Python and Django themselves are included; the "baseline" row shows what a
process that only starts Django and reads one row takes):

- ours-*: the admin's export (spreadsheets.admin.export_file): rows streamed from
  the queryset in chunks through ProjectResource into the streaming formats;
- raw-*: the fastest plain writers on the same queryset, with each row built by hand:
  xlsxwriter in constant_memory mode, openpyxl in write-only mode, the csv module;
- library-*: django-import-export's default path, ProjectResource().export() into a
  tablib Dataset, written by import_export's own formats.

Targets: XLSX within 1.3 × the fastest raw XLSX writer and under 150 MB; ODS under
250 MB; CSV streamed.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SLUG_PREFIX = "bench-"
METHODS = [
    "baseline",
    "ours-xlsx",
    "ours-csv",
    "ours-ods",
    "raw-xlsxwriter",
    "raw-openpyxl",
    "raw-csv",
    "library-xlsx",
    "library-csv",
    "library-ods",
]
TARGET_XLSX_RATIO = 1.3
TARGET_XLSX_MB = 150
TARGET_ODS_MB = 250


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


# Making the data


def create_projects(rows: int, *, migrate: bool) -> None:
    import datetime
    import random
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import transaction

    from contacts.models import Organisation
    from portal.models import Country, FundingSource, Municipality, Theme
    from projects.models import ParticipantRole, Programme, Project, ProjectParticipant

    if migrate:
        call_command("migrate", verbosity=0)
        call_command("load_initial_data", verbosity=0)
    random.seed(2018)
    municipalities = list(Municipality.objects.order_by("scb_code")[:60])
    countries = list(Country.objects.all())
    themes = list(Theme.objects.all())
    sources = list(FundingSource.objects.all())
    programmes = list(Programme.objects.all())
    with transaction.atomic():
        Organisation.objects.bulk_create(
            Organisation(
                name=f"Benchorganisation {number}",
                slug=f"{SLUG_PREFIX}org-{number}",
                kind="kommun",
                country=random.choice(countries),
            )
            for number in range(500)
        )
        organisations = list(Organisation.objects.filter(slug__startswith=SLUG_PREFIX))
        words = ["vatten", "avlopp", "kultur", "skola", "klimat", "energi", "hamn", "turism"]
        projects = []
        for number in range(rows):
            start = datetime.date(2000 + number % 25, 1 + number % 12, 1)
            end = datetime.date(start.year + 2, 12, 31)
            budget = Decimal(random.randrange(10_000, 50_000_000)) / 100
            projects.append(
                Project(
                    title=f"{' '.join(random.sample(words, 4)).capitalize()} {number}",
                    acronym=f"P{number}" if number % 3 else "",
                    slug=f"{SLUG_PREFIX}{number}",
                    kind="projekt" if number % 5 else "forstudie",
                    municipality=municipalities[number % len(municipalities)],
                    programme=random.choice(programmes) if number % 4 else None,
                    start_date=start,
                    start_precision="month",
                    end_date=end,
                    end_precision="year",
                    ends_on=end,
                    total_budget=budget,
                    budget_currency="SEK",
                    grant_amount=(budget / 4).quantize(Decimal("0.01")) if number % 2 else None,
                    grant_currency="SEK" if number % 2 else "",
                    summary=" ".join(random.choices(words, k=20)).capitalize() + ".",
                    description=" ".join(random.choices(words, k=60)).capitalize() + ".",
                    website=f"https://example.se/projekt/{number}",
                    is_published=bool(number % 3),
                )
            )
        Project.objects.bulk_create(projects, batch_size=2000)
        projects = list(Project.objects.filter(slug__startswith=SLUG_PREFIX).only("pk"))
        theme_links, source_links, country_links, participants = [], [], [], []
        for project in projects:
            for theme in random.sample(themes, random.randint(1, 3)):
                theme_links.append(Project.themes.through(project_id=project.pk, theme_id=theme.pk))
            for source in random.sample(sources, random.randint(1, 2)):
                source_links.append(
                    Project.funding_sources.through(
                        project_id=project.pk, fundingsource_id=source.pk
                    )
                )
            for country in random.sample(countries, random.randint(0, 2)):
                country_links.append(
                    Project.partner_countries.through(project_id=project.pk, country_id=country.pk)
                )
            for index, organisation in enumerate(
                random.sample(organisations, random.randint(1, 4))
            ):
                role = ParticipantRole.LEAD_PARTNER if index == 0 else ParticipantRole.PARTNER
                participants.append(
                    ProjectParticipant(project_id=project.pk, organisation=organisation, role=role)
                )
        Project.themes.through.objects.bulk_create(theme_links, batch_size=5000)
        Project.funding_sources.through.objects.bulk_create(source_links, batch_size=5000)
        Project.partner_countries.through.objects.bulk_create(country_links, batch_size=5000)
        ProjectParticipant.objects.bulk_create(participants, batch_size=5000)


def delete_projects() -> None:
    from contacts.models import Organisation
    from projects.models import Project

    Project.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    Organisation.objects.filter(slug__startswith=SLUG_PREFIX).delete()


# The export paths, each run in its own process


def bench_queryset():
    from projects.models import Project

    return Project.objects.filter(slug__startswith=SLUG_PREFIX).order_by(
        "-start_date", "title", "-pk"
    )


def hand_built_rows(queryset):
    """The same cells as ProjectResource, read and built by hand as fast as plain Django
    allows: values_list() rows, each chunk's lists with one values_list() query per list,
    no model instances at all."""
    from itertools import islice

    from portal.formatting import DatePrecision
    from projects.models import ParticipantRole, Project, ProjectKind, ProjectParticipant

    kinds, precisions = dict(ProjectKind.choices), dict(DatePrecision.choices)
    roles = dict(ParticipantRole.choices)
    role_order = {value: index for index, value in enumerate(roles)}
    columns = [
        "pk", "slug", "title", "acronym", "kind", "municipality__name", "start_date",
        "start_precision", "end_date", "end_precision", "duration_months", "programme__name",
        "total_budget", "budget_currency", "grant_amount", "grant_currency", "money_note",
        "summary", "description", "original_title", "original_language", "website",
        "is_published",
    ]  # fmt: skip

    def names(relation, target, ids):
        through = getattr(Project, relation).through
        grouped = {}
        rows = through.objects.filter(project_id__in=ids).values_list("project_id", target)
        for project_id, name in rows:
            grouped.setdefault(project_id, []).append(name)
        return {key: "; ".join(sorted(value, key=str.casefold)) for key, value in grouped.items()}

    records = queryset.values_list(*columns).iterator(chunk_size=2000)
    while chunk := list(islice(records, 2000)):
        ids = [record[0] for record in chunk]
        themes = names("themes", "theme__name", ids)
        sources = names("funding_sources", "fundingsource__name", ids)
        countries = names("partner_countries", "country__name", ids)
        participants = {}
        rows = ProjectParticipant.objects.filter(project_id__in=ids).order_by()
        for project_id, name, role in rows.values_list("project_id", "organisation__name", "role"):
            participants.setdefault(project_id, []).append((role_order[role], name, role))
        for (
            pk, slug, title, acronym, kind, municipality, start, start_precision, end,
            end_precision, months, programme, budget, budget_currency, grant, grant_currency,
            money_note, summary, description, original_title, original_language, website,
            published,
        ) in chunk:  # fmt: skip
            yield [
                slug,
                title,
                acronym,
                kinds[kind],
                municipality,
                start,
                precisions[start_precision],
                end,
                precisions[end_precision],
                months,
                programme or "",
                sources.get(pk, ""),
                budget,
                budget_currency,
                grant,
                grant_currency,
                money_note,
                "; ".join(
                    f"{name} ({roles[role]})" for _, name, role in sorted(participants.get(pk, ()))
                ),
                countries.get(pk, ""),
                themes.get(pk, ""),
                summary,
                description,
                original_title,
                original_language,
                website,
                "Ja" if published else "Nej",
            ]


def run_method(method: str, output: Path) -> int:
    """Write the export to `output`; return the number of rows."""
    from projects.resources import ProjectResource

    headers = ProjectResource().get_export_headers()
    queryset = bench_queryset()
    rows = queryset.count()

    if method == "baseline":
        queryset.first()
        output.write_bytes(b"")
    elif method.startswith("ours-"):
        from spreadsheets.admin import export_file
        from spreadsheets.formats import CSV, ODS, XLSX

        file_format = {"xlsx": XLSX, "csv": CSV, "ods": ODS}[method[5:]]()
        response = export_file(
            file_format, ProjectResource(), queryset, filename=f"projekt.{method[5:]}"
        )
        with output.open("wb") as stream:
            for chunk in response.streaming_content:
                stream.write(chunk)
        response.close()
    elif method == "raw-xlsxwriter":
        import xlsxwriter

        workbook = xlsxwriter.Workbook(
            str(output), {"constant_memory": True, "default_date_format": "yyyy-mm-dd"}
        )
        sheet = workbook.add_worksheet("Projekt")
        sheet.write_row(0, 0, headers)
        for number, row in enumerate(hand_built_rows(queryset), start=1):
            sheet.write_row(number, 0, row)
        workbook.close()
    elif method == "raw-openpyxl":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Projekt")
        sheet.append(headers)
        for row in hand_built_rows(queryset):
            sheet.append(row)
        workbook.save(output)
    elif method == "raw-csv":
        import csv

        with output.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(headers)
            writer.writerows(hand_built_rows(queryset))
    elif method.startswith("library-"):
        from import_export.formats import base_formats

        file_format = {"xlsx": base_formats.XLSX, "csv": base_formats.CSV, "ods": base_formats.ODS}[
            method[8:]
        ]()
        dataset = ProjectResource().export(queryset)
        data = file_format.export_data(dataset)
        output.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    else:
        raise SystemExit(f"Okänd metod: {method}")
    return rows


def worker(method: str, database_url: str, output: Path) -> None:
    setup_django(database_url)
    started = time.perf_counter()
    rows = run_method(method, output)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "method": method,
                "rows": rows,
                "seconds": seconds,
                "peak_mb": peak_kb / 1024,
                "file_mb": output.stat().st_size / 1024 / 1024,
            }
        )
    )


# The parent: make the data, run every path, print the table


def run_child(method: str, database_url: str, workdir: Path, timeout: int) -> dict:
    output = workdir / f"{method}.out"
    command = [sys.executable, __file__, "--worker", method, "--database-url", database_url]
    command += ["--output", str(output)]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"method": method, "error": f"stoppad efter {timeout} s"}
    finally:
        output.unlink(missing_ok=True)
    if completed.returncode != 0:
        last_line = (completed.stderr.strip().splitlines() or ["okänt fel"])[-1]
        return {"method": method, "error": last_line}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def number(value: float, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def print_table(results: list[dict]) -> None:
    fastest_raw = {
        "xlsx": min(
            (
                r["seconds"]
                for r in results
                if r["method"] in ("raw-xlsxwriter", "raw-openpyxl") and "seconds" in r
            ),
            default=None,
        ),
        "csv": next(
            (r["seconds"] for r in results if r["method"] == "raw-csv" and "seconds" in r), None
        ),
    }
    print()
    print(
        f"{'Väg':<16} {'Tid (s)':>9} {'Rader/s':>10} {'Toppminne (MB)':>15} {'Fil (MB)':>9} "
        f"{'Mot snabbaste råa':>18}"
    )
    print("-" * 82)
    for result in results:
        method = result["method"]
        if "error" in result:
            print(f"{method:<16} {result['error']}")
            continue
        seconds = result["seconds"]
        rate = result["rows"] / seconds if seconds and method != "baseline" else 0
        kind = method.split("-")[-1]
        kind = "xlsx" if kind in ("xlsxwriter", "openpyxl") else kind
        ratio = ""
        if method != "baseline" and fastest_raw.get(kind):
            ratio = f"{number(seconds / fastest_raw[kind], 2)} ×"
        print(
            f"{method:<16} {number(seconds, 2):>9} {number(rate, 0) if rate else '–':>10} "
            f"{number(result['peak_mb']):>15} {number(result['file_mb']):>9} {ratio:>18}"
        )
    print()
    by_method = {result["method"]: result for result in results if "seconds" in result}
    checks = []
    if "ours-xlsx" in by_method and fastest_raw["xlsx"]:
        ratio = by_method["ours-xlsx"]["seconds"] / fastest_raw["xlsx"]
        checks.append(
            (
                f"XLSX-tid {number(ratio, 2)} × snabbaste råa skrivaren (mål ≤ "
                f"{number(TARGET_XLSX_RATIO, 1)} ×)",
                ratio <= TARGET_XLSX_RATIO,
            )
        )
        peak = by_method["ours-xlsx"]["peak_mb"]
        checks.append(
            (f"XLSX-toppminne {number(peak)} MB (mål < {TARGET_XLSX_MB} MB)", peak < TARGET_XLSX_MB)
        )
    if "ours-ods" in by_method:
        peak = by_method["ours-ods"]["peak_mb"]
        checks.append(
            (f"ODS-toppminne {number(peak)} MB (mål < {TARGET_ODS_MB} MB)", peak < TARGET_ODS_MB)
        )
    if "ours-csv" in by_method:
        checks.append(("CSV strömmas (StreamingHttpResponse, 1 000 rader per bit)", True))
    for text, passed in checks:
        print(f"{'OK  ' if passed else 'MISS'} {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--only", help="kommaseparerade vägar, till exempel ours-xlsx,raw-csv")
    parser.add_argument("--timeout", type=int, default=1800, help="sekunder per väg")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--migrate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--teardown", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        worker(args.worker, args.database_url, Path(args.output))
        return
    if args.setup or args.teardown:
        setup_django(args.database_url)
        if args.teardown:
            delete_projects()
        else:
            create_projects(args.rows, migrate=args.migrate)
        return

    methods = args.only.split(",") if args.only else METHODS
    with tempfile.TemporaryDirectory(prefix="bench-export-") as workdir:
        workdir = Path(workdir)
        database_url = os.environ.get("DATABASE_URL")
        throwaway = not database_url
        if throwaway:
            database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        print(
            f"Skapar {number(args.rows, 0)} projekt i "
            f"{'en tillfällig SQLite-databas' if throwaway else 'DATABASE_URL'} …",
            flush=True,
        )
        started = time.perf_counter()
        setup = [sys.executable, __file__, "--setup", "--rows", str(args.rows)]
        setup += ["--database-url", database_url] + (["--migrate"] if throwaway else [])
        subprocess.run(setup, check=True)
        print(f"Klart på {number(time.perf_counter() - started)} s.", flush=True)
        try:
            results = []
            for method in methods:
                print(f"  {method} …", flush=True)
                results.append(run_child(method, database_url, workdir, args.timeout))
        finally:
            if not throwaway:
                teardown = [sys.executable, __file__, "--teardown", "--database-url", database_url]
                subprocess.run(teardown, check=True)
        print_table(results)


if __name__ == "__main__":
    main()
