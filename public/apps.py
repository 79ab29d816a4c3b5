from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Den publika webbplatsen"

    def ready(self):
        from access.roles import OUR_APPS
        from public import fragments

        # A save moves on the versions of the fragments that show what changed.
        fragments.connect(self.apps.get_app_config(label) for label in OUR_APPS)
