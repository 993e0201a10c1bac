from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "licensedesk.care"
    label = "care"
    verbose_name = "Care subscriptions"
