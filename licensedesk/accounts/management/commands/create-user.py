from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from licensedesk.accounts import services
from licensedesk.accounts.management.commands._stdin import read_password
from licensedesk.accounts.models import Organization, Role, User
from licensedesk.audit.services import record
from licensedesk.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create a user of a partner company with a password; prints the user's id."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The company's slug.")
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--role", required=True, choices=[Role.LICENSE_USER, Role.LICENSE_ADMIN]
        )
        parser.add_argument("--company-admin", action="store_true")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--password-stdin", action="store_true")

    def handle(self, *args, **opts):
        password = read_password(opts["password_stdin"])
        org = Organization.objects.filter(slug=opts["org"]).first()
        if org is None:
            raise CommandError(f"No company with the slug {opts['org']!r}.")
        try:
            with transaction.atomic():
                services.check_password(password)
                user = User.objects.create_user(
                    email=services.clean_email(opts["email"]),
                    password=password,
                    organization=org,
                    role=opts["role"],
                    is_company_admin=opts["company_admin"],
                    first_name=opts["first_name"],
                    last_name=opts["last_name"],
                )
                record(
                    "user.create",
                    organization=org,
                    target=user,
                    actor_label="console",
                    changes={"email": user.email, "role": user.role},
                )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(str(user.pk))
