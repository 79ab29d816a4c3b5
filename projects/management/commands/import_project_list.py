"""import_project_list: a programme's project list, one row per partner, from the command line.

    manage.py import_project_list lista.xlsx                         # dry run: the report only
    manage.py import_project_list lista.xlsx --apply --user anna      # import, history by anna
    manage.py import_project_list lista.xlsx --programme interreg-oks-2021-2027 --apply

The same plan and import as the admin (projects/partner_list_import.py). With --user the
import runs with that account's rights and history names it; without, for every
municipality, with no user in the history.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from projects.models import Programme
from projects.partner_list_import import (
    PartnerListFileError,
    StalePlanError,
    partner_list_import,
    partner_list_plan,
    read_partner_list,
    result_message,
)


class Command(BaseCommand):
    help = (
        "Importerar en projektlista med en rad per partner (CSV, XLSX eller ODS); utan "
        "--apply bara en torrkörning."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Listan, en rad per partner.")
        parser.add_argument("--apply", action="store_true", help="Importera på riktigt.")
        parser.add_argument(
            "--publish", action="store_true", help="Publicera direkt (annars utkast)."
        )
        parser.add_argument("--user", help="Användarnamnet som står i historiken.")
        parser.add_argument(
            "--programme", help="Programmets adressnamn, för hela listan (i stället för kolumnen)."
        )

    def handle(self, *args, file: Path, apply: bool, publish: bool, user, programme, **options):
        account = None
        if user:
            try:
                account = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist as error:
                raise CommandError(f"Användaren {user} finns inte.") from error
        chosen = None
        if programme:
            chosen = Programme.objects.filter(slug=programme).first()
            if chosen is None:
                raise CommandError(f"Inget program har adressnamnet {programme}.")
        try:
            rows = read_partner_list(file.read_bytes())
        except OSError as error:
            raise CommandError(f"Filen {file} går inte att läsa: {error.strerror}.") from error
        except PartnerListFileError as error:
            raise CommandError(f"{file}: {error}") from error

        plan = partner_list_plan(rows=rows, user=account, programme=chosen)
        self.print_report(plan)
        if not apply:
            self.stdout.write(
                "Torrkörning: inget har sparats. Kör igen med --apply för att importera."
            )
            return
        try:
            result = partner_list_import(plan=plan, user=account, publish=publish)
        except (PermissionDenied, StalePlanError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(result_message(result, published=publish)))

    def print_report(self, plan) -> None:
        for status, count in plan.counts().items():
            projects = plan.with_status(status)
            if not count:
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"{status.label} ({count})"))
            for project in projects:
                rows = ", ".join(map(str, project.rows))
                self.stdout.write(f"  rad {rows}: {project.name}. {' '.join(project.reasons)}")
        new = plan.organisations_to_create
        if new:
            self.stdout.write(self.style.MIGRATE_HEADING(f"Nya organisationer ({len(new)})"))
            for organisation in new:
                nearest = (
                    f" Närmast: {'; '.join(organisation.nearest)}." if organisation.nearest else ""
                )
                self.stdout.write(
                    f"  rad {organisation.first_row}: {organisation.name} ({organisation.country.name}, "
                    f"{organisation.get_kind_display().lower()}).{nearest}"
                )
        self.stdout.write(
            f"Summa: {len(plan.to_import)} projekt att importera med {plan.participant_count} "
            f"deltagare och {len(new)} nya organisationer."
        )
