from django.core.management.base import BaseCommand

from licensedesk.core.demo import DEMO_PASSWORD, create_demo_data, create_demo_licenses
from licensedesk.core.demo_monitoring import create_demo_monitoring


class Command(BaseCommand):
    help = (
        "Create demo data (idempotent): two partner companies, users of every role, the "
        "product catalog and registered licenses."
    )

    def handle(self, *args, **opts):
        logins = create_demo_data()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for company, email, role in logins:
            self.stdout.write(f"  {company:<22} {email:<32} {role}")
        codes = create_demo_licenses()
        create_demo_monitoring()
        self.stdout.write("Unregistered codes to try “Register new license” with:")
        for code in codes:
            self.stdout.write(f"  {code}")
