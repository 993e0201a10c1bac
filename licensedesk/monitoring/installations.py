"""Installations added by hand (before or without any activation)."""

import uuid

from django.db import transaction

from licensedesk.audit.services import record
from licensedesk.core.errors import ServiceError
from licensedesk.monitoring.models import Installation


@transaction.atomic
def add_installation(user, lic, hostname: str, request=None) -> Installation:
    """An installation of `lic` (a license the user may see) known by its host name."""
    hostname = " ".join(str(hostname or "").split())
    if not hostname or len(hostname) > 200:
        raise ServiceError(
            "Give the installation's host name (200 characters at most).",
            code="invalid_hostname",
            field="hostname",
        )
    installation = Installation.objects.create(license=lic, uuid=uuid.uuid4(), hostname=hostname)
    record("installation.create", request=request, actor=user, target=installation)
    return installation
