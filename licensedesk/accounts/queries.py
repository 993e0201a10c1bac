"""Which users need their administrator's attention: for the Users page's filters and the
Dashboard, which counts what those filters list."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Exists, OuterRef, Q
from django_otp.plugins.otp_totp.models import TOTPDevice


def invited_q() -> Q:
    """Active users who have not yet followed their invitation (no password set)."""
    return Q(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)


def missing_required_2fa_q(organization) -> Q:
    """Active company administrators without two-factor authentication, where the company
    requires it of them (`two_factor.required_for`); nobody where it does not."""
    if organization is None or not organization.require_2fa_for_admins:
        return Q(pk__in=[])
    confirmed = TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
    return Q(is_active=True, is_company_admin=True) & ~Exists(confirmed)


STATUS_FILTERS = {
    "invited": lambda organization: invited_q(),
    "no_2fa": missing_required_2fa_q,
}
