from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "licensedesk.audit"
    label = "audit"
    verbose_name = "Audit log"
