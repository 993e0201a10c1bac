"""Reading license request files (.lrq): XML written by a customer's VMS installation, parsed
only through defusedxml (no DTDs, no entities, no external references) and checked element by
element while it is read, so that any file within MAX_BYTES parses in bounded memory (at most
50 MB: tests/test_lrq_limits.py)."""

import base64
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import XMLParser

from licensedesk.activation.signing import JWS_TYPE
from licensedesk.core.errors import ServiceError

MAX_BYTES = 10 * 1024 * 1024
MAX_DEVICES = 50_000
MAX_ATTR = 200
DEVICE_ATTRS = ("hardwareId", "mac", "manufacturer", "model", "name", "type")
HARDWARE_ID_RE = re.compile(r"^[\x21-\x7e]{1,128}$")
# The longest a tag may stay unfinished. A Device tag with every attribute MAX_ATTR characters
# long, each character a character reference, is about 12 KB.
MAX_TAG = 64 * 1024
# The XML is fed in pieces of this size, so expat reads at most MAX_TAG + _CHUNK bytes of a tag.
_CHUNK = 64 * 1024


class InvalidRequest(ServiceError):
    def __init__(self, message, code="invalid_lrq"):
        super().__init__(message, code=code, field="lrq")


# Slots: a request holds up to 50,000 devices, each smaller without a __dict__.
@dataclass(frozen=True, slots=True)
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
        with the dictionaries built directly (asdict deep-copies every value: much slower,
        see docs/benchmarks.md)."""
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


def _attr(attrib, tag, name, required=False) -> str:
    value = (attrib.get(name) or "").strip()
    if required and not value:
        raise InvalidRequest(f"<{tag}> needs the attribute {name}.")
    if len(value) > MAX_ATTR:
        raise InvalidRequest(f"The attribute {name} of <{tag}> is too long.")
    return value


class _Reader:
    """The parser's target: checks every element the moment it starts and keeps only what the
    request needs, so a hostile file is refused at its first wrong element and no tree of
    millions of elements is ever built."""

    def __init__(self):
        self.open = []  # the tags from the root to the current element
        self.parts = {}  # SLC, Installation, Request, Devices: their attributes
        self.slc = []
        self.slc_length = 0
        self.devices = []
        self.seen = set()

    def start(self, tag, attrib):
        parent = self.open[-1] if self.open else None
        self.open.append(tag)
        if parent == "Devices" and tag == "Device":
            self.device(tag, attrib)
        elif parent is None:
            if tag != "LicenseRequest":
                raise InvalidRequest(
                    "This is not a license request: the root must be <LicenseRequest>."
                )
            if attrib.get("version") != "1":
                raise InvalidRequest("Only version 1 license requests are supported.")
        elif parent == "LicenseRequest" and tag in _PARTS:
            if tag in self.parts:
                raise InvalidRequest(f"The request has more than one <{tag}>.")
            self.parts[tag] = attrib
        elif parent in _HOLDS:
            raise InvalidRequest(f"<{parent}> may only hold {_HOLDS[parent]}, not <{tag}>.")
        else:
            raise InvalidRequest(
                f"The file nests elements too deeply: <{parent}> holds no elements, "
                f"found <{tag}> in it."
            )

    def device(self, tag, attrib):
        if len(self.devices) >= MAX_DEVICES:
            raise InvalidRequest(f"A request can list at most {MAX_DEVICES:,} devices.")
        hardware_id = _attr(attrib, tag, "hardwareId", required=True)
        if not HARDWARE_ID_RE.match(hardware_id):
            raise InvalidRequest(f"The hardware id {hardware_id[:40]!r} is not valid.")
        if hardware_id in self.seen:
            raise InvalidRequest(f"The hardware id {hardware_id!r} is listed twice.")
        self.seen.add(hardware_id)
        # The other attributes in DEVICE_ATTRS order, as _attr(attrib, tag, a) would give them.
        get = attrib.get
        values = [(get(a) or "").strip() for a in DEVICE_ATTRS[1:]]
        if any(len(v) > MAX_ATTR for v in values):
            for a in DEVICE_ATTRS[1:]:
                _attr(attrib, tag, a)  # raises for the first one too long
        self.devices.append(Device(hardware_id, *values))

    def end(self, tag):
        self.open.pop()

    def data(self, text):
        if self.open[-1] == "SLC":
            self.slc_length += len(text)
            if self.slc_length > MAX_ATTR:
                raise InvalidRequest("The <SLC> is too long.")
            self.slc.append(text)

    def close(self):
        return self


_PARTS = ("SLC", "Installation", "Request", "Devices")
_HOLDS = {
    "LicenseRequest": "<SLC>, <Installation>, <Request> and <Devices>",
    "Devices": "<Device>",
}


def _read(data: bytes) -> _Reader:
    """Feed the XML to defusedxml's parser in pieces of _CHUNK bytes. Expat reads a whole tag
    before any handler sees it, and a tag of a million attributes costs hundreds of MB: a tag
    still unfinished after MAX_TAG bytes is refused. A long comment is harmless."""
    parser = XMLParser(
        target=_Reader(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    expat = parser.parser
    if hasattr(expat, "SetReparseDeferralEnabled"):
        # Expat >= 2.6 may hold a piece back until more data comes: each must be read now.
        expat.SetReparseDeferralEnabled(False)
    view, fed, size = memoryview(data), 0, _CHUNK
    while fed < len(data):
        parser.feed(view[fed : fed + size])
        fed = min(fed + size, len(data))
        start = max(expat.CurrentByteIndex, 0)  # of the token expat has not finished
        size = _CHUNK
        if fed - start > MAX_TAG and fed < len(data):
            # Expat scans an unfinished token again with each piece: a long comment is fed up
            # to its end at once. Its end is at or before `fed` only if expat held it back.
            end = _comment_end(data, start)
            if end <= fed:
                raise InvalidRequest(
                    f"A tag in the file is longer than {MAX_TAG // 1024} KB "
                    "(too many or too long attributes)."
                )
            size = end - fed
    return parser.close()


def _comment_end(data: bytes, start: int) -> int:
    """Where the comment at `start` ends (the end of the data if it never does), or 0 if no
    comment starts there. In every encoding expat reads, a token starting with the bytes "<!--"
    is a comment and the bytes "-->" end it (in UTF-16 no token starts with those bytes)."""
    if not data.startswith(b"<!--", start):
        return 0
    end = data.find(b"-->", start + 4)
    return len(data) if end < 0 else end + 3


# A JWS in compact form: three base64url parts (docs/formats.md, "License file").
_JWS_RE = re.compile(rb"\s*([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\s*")


def _is_license_file(data: bytes) -> bool:
    """Whether `data` is one of our license files: people pick the .lic next to the .lrq."""
    match = _JWS_RE.fullmatch(data)
    if match is None:
        return False
    encoded = match[1] + b"=" * (-len(match[1]) % 4)
    try:
        header = json.loads(base64.urlsafe_b64decode(encoded))
    except ValueError:
        return False
    return isinstance(header, dict) and header.get("typ") == JWS_TYPE


def parse(data: bytes) -> LicenseRequest:
    """Parse and validate an .lrq; raise InvalidRequest (a clear 400) for anything wrong."""
    if len(data) > MAX_BYTES:
        raise InvalidRequest("The file is larger than 10 MB.", code="lrq_too_large")
    if not data.strip():
        raise InvalidRequest("The file is empty.")
    if _is_license_file(data):
        raise InvalidRequest(
            "This is a license file (.lic); upload the license request file (.lrq) your "
            "system wrote."
        )
    try:
        reader = _read(data)
    except InvalidRequest:
        raise
    except DefusedXmlException as exc:
        raise InvalidRequest(
            "The file contains a DOCTYPE, entities or external references, which are not "
            "allowed in a license request.",
            code="lrq_forbidden_xml",
        ) from exc
    except Exception as exc:  # ParseError and encoding errors alike
        raise InvalidRequest("The file is not a well-formed XML license request.") from exc
    slc = " ".join("".join(reader.slc).split()).upper()
    if "SLC" not in reader.parts or not slc:
        raise InvalidRequest("The request has no <SLC>.")
    installation = reader.parts.get("Installation")
    if installation is None:
        raise InvalidRequest("The request has no <Installation>.")
    request = reader.parts.get("Request")
    if request is None:
        raise InvalidRequest("The request has no <Request>.")
    return LicenseRequest(
        slc=slc,
        installation_id=_uuid(
            _attr(installation, "Installation", "id", required=True), "installation id"
        ),
        hostname=_attr(installation, "Installation", "hostname"),
        product_version=_attr(installation, "Installation", "productVersion"),
        request_id=_uuid(_attr(request, "Request", "id", required=True), "request id"),
        created=_timestamp(_attr(request, "Request", "created", required=True)),
        devices=tuple(reader.devices),
    )
