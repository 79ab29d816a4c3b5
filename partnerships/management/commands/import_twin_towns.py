"""import_twin_towns: the twin-town import from the command line.

    manage.py import_twin_towns lista.xlsx                      # dry run: the report only
    manage.py import_twin_towns lista.xlsx --apply --user anna   # import, history by anna

The same plan and import as the admin (partnerships/twin_town_import.py). With --user the
import runs with that account's rights (a coordinator only for their own municipalities)
and history names it; without, for every municipality and with no user in the history.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from partnerships.twin_town_import import (
    StalePlanError,
    TwinTownFileError,
    read_twin_town_file,
    result_message,
    twin_towns_import,
    twin_towns_plan,
)


class Command(BaseCommand):
    help = "Importerar vänortspar från en lista (CSV, XLSX eller ODS); utan --apply bara en torrkörning."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Listan med kolumnerna Kommun, Vänort, Land.")
        parser.add_argument("--apply", action="store_true", help="Importera på riktigt.")
        parser.add_argument(
            "--publish", action="store_true", help="Publicera direkt (annars utkast)."
        )
        parser.add_argument("--user", help="Användarnamnet som står i historiken.")

    def handle(self, *args, file: Path, apply: bool, publish: bool, user: str | None, **options):
        account = None
        if user:
            try:
                account = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist as error:
                raise CommandError(f"Användaren {user} finns inte.") from error
        try:
            rows = read_twin_town_file(file.read_bytes())
        except OSError as error:
            raise CommandError(f"Filen {file} går inte att läsa: {error.strerror}.") from error
        except TwinTownFileError as error:
            raise CommandError(f"{file}: {error}") from error

        show_bar = options["verbosity"] > 0

        def progress(items):
            return tqdm(
                items, desc="Granskar", unit=" rader", file=self.stderr, disable=not show_bar
            )

        plan = twin_towns_plan(rows=rows, user=account, progress=progress)
        self.print_report(plan)
        if not apply:
            self.stdout.write(
                "Torrkörning: inget har sparats. Kör igen med --apply för att importera."
            )
            return
        try:
            result = twin_towns_import(plan=plan, user=account, publish=publish)
        except (PermissionDenied, StalePlanError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(result_message(result, published=publish)))

    def print_report(self, plan) -> None:
        for status, rows in plan.groups():
            if not rows:
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"{status.label} ({len(rows)})"))
            for row in rows:
                municipality = (
                    row.municipality.short_name if row.municipality else row.source.municipality
                )
                country = row.country.name if row.country else row.source.country
                period = f", {row.period_display}" if row.period_display else ""
                self.stdout.write(
                    f"  rad {row.number}: {municipality} – {row.place_name} ({country}{period}). "
                    f"{row.reason}"
                )
        counts = plan.counts()
        self.stdout.write(
            "Summa: "
            + ", ".join(f"{count} {status.short_label}" for status, count in counts.items())
            + f"; {len(plan.to_import)} vänortspar att importera."
        )
