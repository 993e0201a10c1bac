from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "licensedesk.dashboard"
    label = "dashboard"
