from django.apps import AppConfig


class SeekingConfig(AppConfig):
    name = "seeking"
    verbose_name = "Söker partner"
