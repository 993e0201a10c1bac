from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "licensedesk.catalog"
    label = "catalog"
    verbose_name = "Product catalog"
