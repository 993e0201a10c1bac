from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from licensedesk.audit.services import record
from licensedesk.care.services import add_period
from licensedesk.core.errors import ServiceError
from licensedesk.licenses.codes import normalize
from licensedesk.licenses.models import License


class Command(BaseCommand):
    help = "Renew (or start) one Care tier of an SLC: adds a period of that tier."

    def add_arguments(self, parser):
        parser.add_argument("slc")
        parser.add_argument("--level", required=True, help="Plus or Premium (any case).")
        parser.add_argument("--until", required=True, type=date.fromisoformat)

    def handle(self, *args, slc, level, until, **opts):
        lic = License.objects.filter(code=normalize(slc)).first()
        if lic is None:
            raise CommandError(f"No license {slc!r}.")
        try:
            with transaction.atomic():
                period = add_period(lic, level, until)
                record(
                    "care.renew",
                    actor_label="licensedesk renew-care",
                    organization=lic.organization,
                    target=lic,
                    changes={
                        "level": period.level,
                        "from": period.starts_on.isoformat(),
                        "until": period.ends_on.isoformat(),
                    },
                )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{lic.code}: Care {period.level} from {period.starts_on} until {period.ends_on}"
        )
