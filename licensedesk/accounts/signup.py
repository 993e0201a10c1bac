"""Signing up on the web, confirmed by email. The form answers the same whether the address is
new or already has an account, so it tells no one which addresses have accounts: a new address
is mailed a link that creates the company, an existing one is told that someone tried."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from licensedesk.accounts import services
from licensedesk.accounts.models import PendingSignup, User
from licensedesk.outbox.registry import enqueue

HOURS = 24
MAX_AGE = timedelta(hours=HOURS)  # of a pending sign-up and of its link
SALT = "accounts.signup"


def request_sign_up(*, password: str, **fields) -> str:
    """Check the form as a direct sign-up would, then store a pending sign-up and mail its link,
    or, if the address is taken, mail its owner instead. Returns the address either way."""
    user, company = services.clean_sign_up(password=password, **fields)
    # Hashed in both cases, so that the time taken does not tell the two apart.
    password_hash = make_password(password)
    owner = User.objects.filter(email__iexact=user.email).first()
    with transaction.atomic():
        if owner is not None:
            enqueue("accounts.signup_taken", {"user_id": owner.pk})
        else:
            pending = PendingSignup.objects.create(
                email=user.email,
                company_name=company["name"],
                country=company["country"],
                first_name=user.first_name,
                last_name=user.last_name,
                phone=user.phone,
                password=password_hash,
            )
            enqueue("accounts.signup_confirm", {"pending_id": pending.pk})
    return user.email


def _state(pending: PendingSignup) -> str:
    value = f"{pending.pk}|{pending.email}|{pending.password}|{pending.created_at.isoformat()}"
    return salted_hmac(SALT, value).hexdigest()[:32]


def make_token(pending: PendingSignup) -> str:
    return signing.dumps({"p": pending.pk, "s": _state(pending)}, salt=SALT)


def live(now=None):
    """The pending sign-ups whose link may still be followed."""
    return PendingSignup.objects.filter(created_at__gte=(now or timezone.now()) - MAX_AGE)


def pending_for_token(token: str) -> PendingSignup | None:
    """The pending sign-up of a link, or None if the link is forged, expired or used, or its
    address has an account by now."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    pending = live().filter(pk=data.get("p")).first()
    if pending is None or not constant_time_compare(data.get("s", ""), _state(pending)):
        return None
    if services.email_taken(pending.email):
        return None
    return pending


def confirm(pending: PendingSignup, request=None) -> User | None:
    """Create the company and its first administrator from a pending sign-up, once: None if it
    was used or its address was taken in the meantime (also by a concurrent confirmation)."""
    try:
        with transaction.atomic():
            # Lock every pending sign-up of the address, in one order: a second confirmation
            # (of this link or another of the address) waits, then finds them gone.
            rows = PendingSignup.objects.select_for_update().filter(email=pending.email)
            locked = {row.pk: row for row in rows.order_by("pk")}.get(pending.pk)
            gone = locked is None or locked.created_at < timezone.now() - MAX_AGE
            if gone or services.email_taken(locked.email):
                return None
            user = User(
                email=locked.email,
                first_name=locked.first_name,
                last_name=locked.last_name,
                phone=locked.phone,
                password=locked.password,
            )
            company = {"name": locked.company_name, "country": locked.country}
            services.create_company(user, company, request=request)
            PendingSignup.objects.filter(email=locked.email).delete()
    except IntegrityError:
        return None  # the address was taken between the check and the insert
    return user
