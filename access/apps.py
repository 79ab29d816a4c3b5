from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Behörigheter"

    def ready(self):
        from access.roles import name_permissions_after_migrate, sync_roles_after_migrate

        # The groups' permissions, after the portal's own migrations.
        post_migrate.connect(sync_roles_after_migrate, sender=self.apps.get_app_config("portal"))
        # Every app's permissions named in Swedish, after Django makes them (in English).
        post_migrate.connect(name_permissions_after_migrate, dispatch_uid="swedish-permissions")
