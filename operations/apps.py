from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Drift"

    def ready(self):
        from access.roles import OUR_APPS
        from operations.page_cache import content_changed

        # Any change to the portal's content renders the public pages anew.
        for app_label in OUR_APPS:
            for model in self.apps.get_app_config(app_label).get_models():
                for signal in (post_save, post_delete):
                    signal.connect(content_changed, sender=model, dispatch_uid=f"page-{model}")
        m2m_changed.connect(content_changed, dispatch_uid="page-m2m")
