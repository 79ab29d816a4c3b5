from django.core.management.base import BaseCommand, CommandError

from quality.links import MAX_WORKERS, LinkChecker, collect_urls
from quality.models import LinkCheck


class Command(BaseCommand):
    help = (
        "Kontrollerar webbadresserna hos kommuner, organisationer, projekt, nätverk, "
        "berättelser, program, satsningar och enkäter och sparar svaren med datum. "
        "Sidan Datakvalitet i redigeringen visar de som svarade med fel."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=float, help="Sekunder att vänta på svar (LINK_CHECK_TIMEOUT, 10)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            help=f"Webbplatser som kontrolleras samtidigt, högst {MAX_WORKERS} "
            "(LINK_CHECK_MAX_WORKERS).",
        )

    def handle(self, *args, timeout=None, workers=None, verbosity=1, **options):
        if timeout is not None and timeout <= 0:
            raise CommandError("--timeout måste vara större än noll.")
        if workers is not None and not 1 <= workers <= MAX_WORKERS:
            raise CommandError(f"--workers ska vara mellan 1 och {MAX_WORKERS}.")
        checker = LinkChecker(timeout=timeout, max_workers=workers)
        urls = collect_urls()
        skipped = sorted(url for url in urls if not checker.allowed(url))
        checked = failed = 0
        for result in checker.check_all(urls):
            LinkCheck.objects.update_or_create(
                url=result.url,
                defaults={
                    "checked_at": result.checked_at,
                    "ok": result.ok,
                    "status_code": result.status_code,
                    "final_url": result.final_url[:500],
                    "error": result.error,
                },
            )
            checked += 1
            if not result.ok:
                failed += 1
                if verbosity >= 2:
                    self.stdout.write(f"{result.url}: {result.error}")

        # Addresses no record uses any more have nothing left to report.
        stale = [pk for pk, url in LinkCheck.objects.values_list("pk", "url") if url not in urls]
        for start in range(0, len(stale), 500):
            LinkCheck.objects.filter(pk__in=stale[start : start + 500]).delete()

        if skipped:
            self.stdout.write(
                f"Hoppade över {len(skipped)} adresser på värdar utanför LINK_CHECK_ALLOWED_HOSTS."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Kontrollerade {checked} adresser: {failed} svarade med fel.")
        )
