from django.core.management.base import BaseCommand, CommandError

from licensedesk.accounts import tokens
from licensedesk.accounts.models import User
from licensedesk.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create a personal access token for a user; prints the secret (shown this once)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="console")

    def handle(self, *args, **opts):
        user = User.objects.filter(email__iexact=opts["email"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the email {opts['email']!r}.")
        try:
            _, secret = tokens.create_token(user, opts["name"])
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(secret)
