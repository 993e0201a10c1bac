from django.core.management.base import BaseCommand, CommandError

from licensedesk.core.backup import backup
from licensedesk.core.database import DatabaseToolMissing


class Command(BaseCommand):
    help = (
        "Write one archive with the whole database (consistent while licensedesk serves) and "
        "the license-file signing keys. It holds private keys: keep it safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            manifest = backup(file)
        except (DatabaseToolMissing, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up the {manifest['database']} database"
            + (" and the signing keys" if manifest["keys"] else "")
            + f" to {file} (mode 0600)."
        )
        if manifest["keys"]:
            self.stdout.write("It holds the private signing keys: store it like a password.")
