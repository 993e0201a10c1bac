import json

from django.core.management.base import BaseCommand

from licensedesk.activation import signing


class Command(BaseCommand):
    help = "Manage the license-file signing keys: `keys rotate` or `keys list`."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rotate", "list", "jwks"])

    def handle(self, *args, action, **opts):
        if action == "rotate":
            kid = signing.rotate()
            self.stdout.write(f"New signing key {kid}; older public keys stay published.")
        elif action == "jwks":
            self.stdout.write(json.dumps(signing.jwks(), indent=2))
        else:
            keyset = signing.load_keyset()
            for key in keyset["keys"]:
                mark = " (signing)" if key["kid"] == keyset["active"] else ""
                self.stdout.write(f"{key['kid']}  created {key['created']}{mark}")
