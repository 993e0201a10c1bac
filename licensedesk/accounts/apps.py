from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "licensedesk.accounts"
    label = "accounts"
    verbose_name = "Partner companies and users"
