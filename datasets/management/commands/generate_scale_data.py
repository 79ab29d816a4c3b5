"""Generate scale data on top of the fixtures; the logic is in `datasets.scale_data`."""

import sys
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from datasets import scale_data


class Command(BaseCommand):
    help = (
        "Skapar skaldata ovanpå grunddatan: publicerar alla kommuner och lägger till "
        "samarbeten, projekt, nätverk och personer (adressnamn som börjar med "
        f"”{scale_data.PREFIX}”). Samma frö ger samma data. --clear tar bort den igen."
    )

    def add_arguments(self, parser):
        defaults = scale_data.Sizes()
        parser.add_argument("--seed", type=int, default=scale_data.DEFAULT_SEED)
        parser.add_argument(
            "--scale",
            type=float,
            default=None,
            help="Skalar alla storlekar, till exempel 0.01 för en hundradel.",
        )
        for name in ("partnerships", "projects", "networks", "people"):
            parser.add_argument(
                f"--{name}", type=int, default=None, help=f"Standard {getattr(defaults, name)}."
            )
        parser.add_argument(
            "--clear", action="store_true", help="Ta bort genererad skaldata och avsluta."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Visa inga förloppsindikatorer."
        )

    def handle(self, *args, **options):
        if options["clear"]:
            counts = scale_data.clear()
            if not counts:
                self.stdout.write("Det fanns ingen genererad skaldata att ta bort.")
            else:
                removed = ", ".join(f"{count} {label}" for label, count in counts.items())
                self.stdout.write(self.style.SUCCESS(f"Skaldata borttagen: {removed}."))
            return

        sizes = scale_data.Sizes()
        if options["scale"] is not None:
            if options["scale"] <= 0:
                raise CommandError("--scale måste vara större än 0.")
            sizes = sizes.scaled(options["scale"])
        overrides = {
            name: options[name]
            for name in ("partnerships", "projects", "networks", "people")
            if options[name] is not None
        }
        if any(value < 1 for value in overrides.values()):
            raise CommandError("Storlekarna måste vara minst 1.")
        sizes = scale_data.Sizes(**{**sizes.__dict__, **overrides})

        progress = scale_data.no_progress if options["no_progress"] else self.progress
        try:
            report = scale_data.generate(seed=options["seed"], sizes=sizes, progress=progress)
        except scale_data.ScaleDataExists as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Skaldata skapad: {report.summary()}."))

    @staticmethod
    @contextmanager
    def progress(label, total):
        with tqdm(total=total, desc=label, unit=" rader", file=sys.stderr, leave=True) as bar:
            yield bar.update
