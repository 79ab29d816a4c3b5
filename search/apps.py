from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Sök"

    def ready(self):
        from search import index, signals  # noqa: F401 — keeps the documents current

        post_migrate.connect(index.build_when_empty, sender=self)
