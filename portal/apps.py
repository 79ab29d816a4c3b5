from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portalen: kommuner, länder och begrepp"

    def ready(self):
        from portal.sqlite import use_unicode_like

        connection_created.connect(use_unicode_like, dispatch_uid="portal-unicode-like")

        from portal.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, sender=self)
