from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portalen: kommuner, länder och begrepp"

    def ready(self):
        from portal.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, sender=self)
