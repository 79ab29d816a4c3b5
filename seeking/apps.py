from django.apps import AppConfig


class SeekingConfig(AppConfig):
    name = "seeking"
    verbose_name = "Söker partner"

    def ready(self):
        from seeking import signals  # noqa: F401 — keeps the search vector current
