"""License files and device activation.

Device licenses are a quota per SLC shared by all its installations; each distinct device
(hardware id) active on an installation uses one. A license request lists an installation's
complete set: devices not listed any more are released, devices listed again keep their
activation, new devices are activated in the request's order while the quota lasts."""

import hashlib
from datetime import UTC
from operator import attrgetter

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from licensedesk import access
from licensedesk.activation import lrq as lrq_format
from licensedesk.activation import signing
from licensedesk.activation.models import Activation, ActiveDevice, IdempotencyKey
from licensedesk.audit import services as audit
from licensedesk.care.status import today
from licensedesk.core import database, metrics
from licensedesk.core.errors import Conflict, NotFound, ServiceError
from licensedesk.licenses.models import License
from licensedesk.monitoring.models import Installation
from licensedesk.notifications import events
from licensedesk.notifications.services import emit


def _iso(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _addon_codes(lic: License) -> list[str]:
    return list(lic.addons.order_by("kind", "name").values_list("code", flat=True))


def license_payload(lic: License, kind: str) -> dict:
    """What every license file states about its license."""
    return {
        "type": kind,
        "issuer": getattr(settings, "LICENSEDESK_ISSUER", "M01"),
        "slc": lic.code,
        "product": {"code": lic.product.code, "name": lic.product.name},
        "version": {"code": lic.version.code, "name": lic.version.name},
        "addons": _addon_codes(lic),
        "deviceLicenses": {"total": lic.device_licenses, "activated": lic.devices_used},
        "care": {
            care.tier: {"level": care.level, "endsOn": care.ends_on.isoformat()}
            if care.ends_on
            else None
            for care in lic.care_tiers
        },
        "expiresOn": lic.expires_on.isoformat() if lic.expires_on else None,
        "licensee": lic.organization.name if lic.organization_id else None,
        "customer": lic.customer.name if lic.customer_id else None,
        "issuedAt": _iso(timezone.now()),
    }


def initial_license_file(lic: License, user=None, request=None) -> str:
    """The license file a new installation is installed with."""
    audit.record("license.download", request=request, actor=user, target=lic)
    return signing.sign(license_payload(lic, "initial"))


def _check_can_activate(lic: License, request_slc: str) -> None:
    if request_slc != lic.code:
        raise ServiceError(
            f"This license request is for {request_slc or 'another license'}, not for "
            f"{lic.code}. Upload it on the license it was made for.",
            code="slc_mismatch",
            field="lrq",
        )
    if not lic.is_registered:
        raise ServiceError("This license is not registered.", code="not_registered")
    if lic.expires_on and lic.expires_on < today():
        raise ServiceError(
            f"This license expired on {lic.expires_on:%Y-%m-%d}; it cannot be activated.",
            code="license_expired",
        )


def activate(user, code: str, data: bytes, *, via="web", idempotency_key=None, request=None):
    """Process a license request for the license `code`; returns (activation, replayed). A
    request already processed (same request id and content) returns its first activation and
    uses nothing. The license is read under its lock here, so the caller need not load it."""
    try:
        activation, replayed = _activate_once(user, code, data, via, idempotency_key, request)
    except ServiceError:
        metrics.ACTIVATIONS.labels("refused").inc()
        raise
    metrics.ACTIVATIONS.labels("replayed" if replayed else "processed").inc()
    return activation, replayed


def _activate_once(user, code, data, via, idempotency_key, request):
    parsed = lrq_format.parse(data)
    body_digest = hashlib.sha256(data).hexdigest()
    try:
        return _activate(user, code, parsed, via, idempotency_key, body_digest, request)
    except IntegrityError as exc:
        # The request id was used on this license before (its unique constraint): the same
        # request again answers with its first activation, anything else is a conflict.
        prior = Activation.objects.filter(
            license__in=access.licenses_visible_to(user).filter(code=code),
            request_id=parsed.request_id,
        ).first()
        if prior is None:
            raise Conflict(
                "This request was processed at the same moment; send it again.",
                code="concurrent_request",
            ) from exc
        if prior.request_digest != parsed.digest():
            raise Conflict(
                "This request id was already used with different content.",
                code="request_id_reused",
            ) from exc
        return prior, True


DEVICE_FIELDS = ("hardware_id", "mac", "manufacturer", "model", "name", "type")
_device_values = attrgetter(*DEVICE_FIELDS)
# Hardware ids per DELETE when devices are released: SQLite limits a statement's parameters.
RELEASE_BATCH = 900


def _lock(user, code: str, parsed) -> License:
    """The license `code` as the user may see it, its row locked, with what a license file
    states and the id of the request's installation, if it exists: one statement.
    Activations of one SLC then run one at a time, so the quota holds (SQLite locks the whole
    database)."""
    # Both lookups are by unique keys: order_by() keeps the models' default ordering out.
    installation = Installation.objects.filter(
        license=OuterRef("pk"), uuid=parsed.installation_id
    ).order_by()
    found = list(
        access.licenses_visible_to(user)
        .select_for_update(of=("self",))
        .select_related("product", "version", "organization", "customer")
        .annotate(installation_pk=Subquery(installation.values("pk")[:1]))
        .filter(code=code)
        .order_by()[:1]
    )
    if not found:
        raise NotFound("This license does not exist or is not available to you.")
    return found[0]


def _release(installation, hardware_ids) -> None:
    for start in range(0, len(hardware_ids), RELEASE_BATCH):
        ActiveDevice.objects.filter(
            installation=installation, hardware_id__in=hardware_ids[start : start + RELEASE_BATCH]
        ).delete()


def _save_installation(installation, lic, parsed, devices_active, now) -> Installation:
    """The request's installation with its new count, made now if it is new. No savepoint as
    get_or_create would take: the license's lock keeps requests of one installation apart,
    and a clash with anything else fails the whole activation (IntegrityError)."""
    if installation is None:
        return Installation.objects.create(
            license=lic,
            uuid=parsed.installation_id,
            hostname=parsed.hostname,
            product_version=parsed.product_version,
            devices_active=devices_active,
            last_activation_at=now,
        )
    installation.hostname = parsed.hostname or installation.hostname
    installation.product_version = parsed.product_version or installation.product_version
    installation.devices_active = devices_active
    installation.last_activation_at = now
    installation.save(
        update_fields=["hostname", "product_version", "devices_active", "last_activation_at"]
    )
    return installation


def _insert_devices(installation, devices, now) -> None:
    # A request may list tens of thousands of devices: insert_rows copies them on PostgreSQL.
    if devices:
        rows = ((installation.pk, now, *_device_values(d)) for d in devices)
        database.insert_rows(ActiveDevice, ("installation", "activated_at", *DEVICE_FIELDS), rows)


@transaction.atomic
def _activate(user, code, parsed, via, idempotency_key, body_digest, request):
    lic = _lock(user, code, parsed)
    if idempotency_key:
        previous = IdempotencyKey.objects.filter(user=user, key=idempotency_key).first()
        if previous is not None:
            # A key answers only for its own license: the body of another's must not fetch
            # that license's file through a license the user can still see.
            if previous.body_digest != body_digest or previous.activation.license_id != lic.pk:
                raise ServiceError(
                    "This Idempotency-Key was used with a different request.",
                    code="idempotency_key_reused",
                    status=422,
                )
            return previous.activation, True
    _check_can_activate(lic, parsed.slc)
    # A request id seen before on this license fails the activation's insert (its unique
    # constraint): _activate_once answers it with the first activation.
    now = timezone.now()
    installation = Installation.objects.get(pk=lic.installation_pk) if lic.installation_pk else None
    active = (  # in the order they were activated
        list(installation.devices.order_by("id").values_list("hardware_id", flat=True))
        if installation is not None
        else []
    )
    current = set(active)
    listed = {d.hardware_id for d in parsed.devices}
    released = [hid for hid in active if hid not in listed]
    # The license's counter, kept under its row lock: counting its active devices instead
    # would cost a scan of every device of every installation at each activation.
    used_elsewhere = max(0, lic.devices_used - len(current))
    available = max(0, lic.device_licenses - used_elsewhere)
    kept, activated, refused = [], [], []
    for device in parsed.devices:  # devices listed again first: they keep their activation
        if device.hardware_id in current:
            (kept if len(kept) < available else refused).append(device)
    for device in parsed.devices:  # then new devices, in the request's order
        if device.hardware_id not in current:
            (activated if len(kept) + len(activated) < available else refused).append(device)

    installation = _save_installation(installation, lic, parsed, len(kept) + len(activated), now)
    _release(installation, released + [d.hardware_id for d in refused if d.hardware_id in current])
    _insert_devices(installation, activated, now)
    lic.devices_used = used_elsewhere + installation.devices_active
    lic.save(update_fields=["devices_used"])

    licensed = {d.hardware_id for d in kept} | {d.hardware_id for d in activated}
    payload = license_payload(lic, "activated")
    payload["installation"] = {
        "id": parsed.installation_id,
        "hostname": parsed.hostname,
        "productVersion": parsed.product_version,
    }
    payload["request"] = {"id": parsed.request_id, "created": _iso(parsed.created)}
    payload["deviceLicenses"]["installation"] = installation.devices_active
    payload["devices"] = [
        {"hardwareId": d.hardware_id, "name": d.name, "activated": d.hardware_id in licensed}
        for d in parsed.devices
    ]
    activation = Activation.objects.create(
        license=lic,
        installation=installation,
        request_id=parsed.request_id,
        request_digest=parsed.digest(),
        created_by=user,
        via=via,
        activated=len(activated),
        kept=len(kept),
        released=len(released),
        refused=len(refused),
        devices={
            "activated": [d.hardware_id for d in activated],
            "kept": [d.hardware_id for d in kept],
            "released": released,
            "refused": [d.hardware_id for d in refused],
        },
        license_file=signing.sign(payload),
    )
    summary = {
        "installation": parsed.hostname or parsed.installation_id,
        "activated": len(activated),
        "kept": len(kept),
        "released": len(released),
        "refused": len(refused),
    }
    if activated:
        emit(events.DEVICES_ACTIVATED, lic, summary)
    if refused:
        emit(events.ACTIVATION_REFUSED, lic, summary)
    audit.record(
        "license.activate",
        request=request,
        actor=user,
        target=lic,
        changes={**summary, "installation": parsed.installation_id},
    )
    if idempotency_key:
        IdempotencyKey.objects.create(
            user=user, key=idempotency_key, body_digest=body_digest, activation=activation
        )
    return activation, False
