from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projekt och berättelser"

    def ready(self):
        from projects import facets  # noqa: F401 — keeps the list's filter values current
