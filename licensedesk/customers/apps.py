from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "licensedesk.customers"
    label = "customers"
