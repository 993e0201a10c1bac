"""Reading license request files (.lrq): XML written by a customer's VMS installation, parsed
only through defusedxml (no DTDs, no entities, no external references)."""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from licensedesk.core.errors import ServiceError

MAX_BYTES = 10 * 1024 * 1024
MAX_DEVICES = 50_000
MAX_ATTR = 200
DEVICE_ATTRS = ("hardwareId", "mac", "manufacturer", "model", "name", "type")
HARDWARE_ID_RE = re.compile(r"^[\x21-\x7e]{1,128}$")


class InvalidRequest(ServiceError):
    def __init__(self, message, code="invalid_lrq"):
        super().__init__(message, code=code, field="lrq")


@dataclass(frozen=True)
class Device:
    hardware_id: str
    mac: str = ""
    manufacturer: str = ""
    model: str = ""
    name: str = ""
    type: str = ""


@dataclass(frozen=True)
class LicenseRequest:
    slc: str
    installation_id: str
    hostname: str
    product_version: str
    request_id: str
    created: datetime
    devices: tuple[Device, ...]

    def digest(self) -> str:
        """A fingerprint of the content, to tell a repeated request from a changed one: the
        SHA-256 of the JSON of dataclasses.asdict(self) (keys sorted, `created` in ISO 8601),
        with the dictionaries built directly (asdict deep-copies every value: 10x slower)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["created"] = self.created.isoformat()
        data["devices"] = [
            {name: getattr(d, name) for name in _DEVICE_FIELDS} for d in self.devices
        ]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


_DEVICE_FIELDS = tuple(f.name for f in fields(Device))


def _uuid(value, what) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as exc:
        raise InvalidRequest(f"The {what} is not a valid UUID.") from exc


def _timestamp(value) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidRequest("The request's 'created' is not an ISO 8601 timestamp.") from exc
    if moment.tzinfo is None:
        raise InvalidRequest("The request's 'created' must give a time zone (e.g. Z).")
    return moment.astimezone(UTC)


def _attr(element, name, required=False) -> str:
    value = (element.get(name) or "").strip()
    if required and not value:
        raise InvalidRequest(f"<{element.tag}> needs the attribute {name}.")
    if len(value) > MAX_ATTR:
        raise InvalidRequest(f"The attribute {name} of <{element.tag}> is too long.")
    return value


def parse(data: bytes) -> LicenseRequest:
    """Parse and validate an .lrq; raise InvalidRequest (a clear 400) for anything wrong."""
    if len(data) > MAX_BYTES:
        raise InvalidRequest("The file is larger than 10 MB.", code="lrq_too_large")
    if not data.strip():
        raise InvalidRequest("The file is empty.")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InvalidRequest(
            "The file contains a DOCTYPE, entities or external references, which are not "
            "allowed in a license request.",
            code="lrq_forbidden_xml",
        ) from exc
    except Exception as exc:  # ParseError and encoding errors alike
        raise InvalidRequest("The file is not a well-formed XML license request.") from exc
    if root.tag != "LicenseRequest":
        raise InvalidRequest("This is not a license request: the root must be <LicenseRequest>.")
    if root.get("version") != "1":
        raise InvalidRequest("Only version 1 license requests are supported.")
    slc_element = root.find("SLC")
    if slc_element is None or not (slc_element.text or "").strip():
        raise InvalidRequest("The request has no <SLC>.")
    installation = root.find("Installation")
    if installation is None:
        raise InvalidRequest("The request has no <Installation>.")
    request = root.find("Request")
    if request is None:
        raise InvalidRequest("The request has no <Request>.")
    devices_element = root.find("Devices")
    device_elements = list(devices_element) if devices_element is not None else []
    if len(device_elements) > MAX_DEVICES:
        raise InvalidRequest(f"A request can list at most {MAX_DEVICES:,} devices.")
    devices, seen = [], set()
    for element in device_elements:
        if element.tag != "Device":
            raise InvalidRequest(f"<Devices> may only hold <Device>, not <{element.tag}>.")
        hardware_id = _attr(element, "hardwareId", required=True)
        if not HARDWARE_ID_RE.match(hardware_id):
            raise InvalidRequest(f"The hardware id {hardware_id[:40]!r} is not valid.")
        if hardware_id in seen:
            raise InvalidRequest(f"The hardware id {hardware_id!r} is listed twice.")
        seen.add(hardware_id)
        # The other attributes in DEVICE_ATTRS order, as _attr(element, a) would give them.
        get = element.get
        values = [(get(a) or "").strip() for a in DEVICE_ATTRS[1:]]
        if any(len(v) > MAX_ATTR for v in values):
            for a in DEVICE_ATTRS[1:]:
                _attr(element, a)  # raises for the first one too long
        devices.append(Device(hardware_id, *values))
    return LicenseRequest(
        slc=" ".join((slc_element.text or "").split()).upper(),
        installation_id=_uuid(_attr(installation, "id", required=True), "installation id"),
        hostname=_attr(installation, "hostname"),
        product_version=_attr(installation, "productVersion"),
        request_id=_uuid(_attr(request, "id", required=True), "request id"),
        created=_timestamp(_attr(request, "created", required=True)),
        devices=tuple(devices),
    )
