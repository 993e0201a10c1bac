from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "licensedesk.notifications"
    label = "notifications"
