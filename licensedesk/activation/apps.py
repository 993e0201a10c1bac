from django.apps import AppConfig


class ActivationConfig(AppConfig):
    name = "licensedesk.activation"
    label = "activation"
    verbose_name = "License files and device activation"
