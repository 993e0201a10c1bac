from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "licensedesk.api"
    label = "api"
    verbose_name = "REST API"
