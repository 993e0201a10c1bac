"""A company's monitoring thresholds, as every report, offline check and alert needs them:
kept in each process's memory for a minute, forgotten at once when the company changes them
in this process. While the database cannot be reached, the last copy serves longer, so that
status reports are still accepted (licensedesk/monitoring/buffer.py)."""

import time

from django.db import InterfaceError, OperationalError

from licensedesk import access
from licensedesk.monitoring.models import Thresholds

KEPT_SECONDS = 60
_kept: dict[int, tuple[float, Thresholds]] = {}


def thresholds_for(org_id: int) -> Thresholds:
    """The company's thresholds (the defaults if it never changed them)."""
    kept = _kept.get(org_id)
    if kept and kept[0] > time.monotonic():
        return kept[1]
    try:
        found = access.thresholds_of_company(org_id).first() or Thresholds(organization_id=org_id)
    except (OperationalError, InterfaceError):
        if kept is None:
            raise
        return kept[1]
    _kept[org_id] = (time.monotonic() + KEPT_SECONDS, found)
    return found


def thresholds_to_edit(user) -> Thresholds:
    """The user's company's thresholds as the database holds them (not this process's copy),
    or unsaved defaults."""
    found = access.thresholds_editable_by(user).first()
    return found or Thresholds(organization_id=user.organization_id)


def forget_thresholds(org_id: int) -> None:
    _kept.pop(org_id, None)


def forget_all() -> None:
    _kept.clear()
