from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "licensedesk.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.urls import register_converter

        from licensedesk.core.ids import IdConverter

        register_converter(IdConverter, "id")  # before any URL module is read
