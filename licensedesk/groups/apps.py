from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "licensedesk.groups"
    label = "license_groups"
    verbose_name = "License groups"
