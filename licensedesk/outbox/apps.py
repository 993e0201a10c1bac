from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class OutboxConfig(AppConfig):
    name = "licensedesk.outbox"
    label = "outbox"
    verbose_name = "Background jobs"

    def ready(self):
        # Each app declares its job handlers in its own jobs.py.
        autodiscover_modules("jobs")
