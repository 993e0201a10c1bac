from django.core.management.base import BaseCommand

from licensedesk.core.demo import DEMO_PASSWORD, create_demo_data


class Command(BaseCommand):
    help = "Create demo data (idempotent): two partner companies and users of every role."

    def handle(self, *args, **opts):
        logins = create_demo_data()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for company, email, role in logins:
            self.stdout.write(f"  {company:<22} {email:<32} {role}")
