from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portalen: kommuner, länder och begrepp"

    def ready(self):
        from portal.sqlite import use_unicode_like

        connection_created.connect(use_unicode_like, dispatch_uid="portal-unicode-like")

        from portal.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, sender=self)

        from portal.page_cache import content_changed
        from portal.roles import OUR_APPS

        # Any change to the portal's content renders the public pages anew.
        for app_label in OUR_APPS:
            for model in self.apps.get_app_config(app_label).get_models():
                for signal in (post_save, post_delete):
                    signal.connect(content_changed, sender=model, dispatch_uid=f"page-{model}")
        m2m_changed.connect(content_changed, dispatch_uid="page-m2m")

        from portal import fragments

        # ...and moves on the versions of the fragments that show what changed.
        fragments.connect(self.apps.get_app_config(label) for label in OUR_APPS)
