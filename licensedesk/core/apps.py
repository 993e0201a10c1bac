from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "licensedesk.core"
    label = "core"
    verbose_name = "Core"
