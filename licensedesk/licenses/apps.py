from django.apps import AppConfig


class LicensesConfig(AppConfig):
    name = "licensedesk.licenses"
    label = "licenses"
