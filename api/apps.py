from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Öppna data (API)"

    def ready(self):
        # Registers the OpenAPI description of the public FilterSets (drf-spectacular).
        from api import schema  # noqa: F401
