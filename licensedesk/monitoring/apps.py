from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "licensedesk.monitoring"
    label = "monitoring"
    verbose_name = "Installation monitoring"
