from django.core.management.base import BaseCommand, CommandError

from licensedesk.accounts import services
from licensedesk.accounts.management.commands._stdin import read_password
from licensedesk.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create a partner company with its first company administrator; prints the slug."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--country", default="Unknown")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--password-stdin", action="store_true")

    def handle(self, *args, **opts):
        password = read_password(opts["password_stdin"])
        try:
            user = services.sign_up(
                company_name=opts["name"],
                country=opts["country"],
                first_name=opts["first_name"],
                last_name=opts["last_name"],
                email=opts["admin_email"],
                phone="",
                password=password,
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(user.organization.slug)
