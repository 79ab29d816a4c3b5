from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Datakvalitet"

    def ready(self):
        from quality.counts import link_checks_changed
        from quality.models import LinkCheck

        # The counts kept in the cache (quality.counts) include the broken links.
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(link_checks_changed, sender=LinkCheck, dispatch_uid=f"link-check-{name}")
