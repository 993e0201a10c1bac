from django.core.management.base import BaseCommand, CommandError

from licensedesk.core.backup import restore
from licensedesk.core.database import DatabaseToolMissing
from licensedesk.core.errors import ServiceError


class Command(BaseCommand):
    help = "Restore an archive made by `licensedesk backup` into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            manifest = restore(file)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        except (DatabaseToolMissing, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the {manifest['database']} database of {manifest['created']}"
            + (" and the signing keys." if manifest["keys"] else ".")
        )
