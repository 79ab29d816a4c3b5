from django.core.management.base import BaseCommand, CommandError

from datasets.initial_data import FixtureError, load_initial_data


class Command(BaseCommand):
    help = (
        "Läser in län, kommuner, länder och fixturerna från källtexterna. "
        "Kan köras flera gånger: det som redan finns lämnas orört."
    )

    def handle(self, *args, **options):
        try:
            report = load_initial_data()
        except FixtureError as error:
            raise CommandError(f"Fixturerna kunde inte läsas in: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Grunddata inläst: {report.summary()}."))
