from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "licensedesk.imports"
    label = "imports"
    verbose_name = "Imports from spreadsheets"
