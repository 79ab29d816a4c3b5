from django.apps import AppConfig
from django.db.backends.signals import connection_created


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portalen: kommuner, länder och begrepp"

    def ready(self):
        from portal.sqlite import use_unicode_like

        connection_created.connect(use_unicode_like, dispatch_uid="portal-unicode-like")
