"""Verifying license files: a JWS (RFC 7515) in compact serialization signed with Ed25519
(alg EdDSA, RFC 8037), checked against the server's published JWKS (RFC 7517)."""

import base64
import json
import re
from datetime import UTC, date, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MAX_CLOCK_SKEW = timedelta(minutes=5)
TYPES = ("initial", "activated")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


class VerificationError(Exception):
    pass


class NotALicenseFile(VerificationError):
    """Not even a JWS of two JSON objects: another kind of file, or a damaged one."""

    def __init__(self, why: str):
        super().__init__(f"This is not a license file: {why}")


def _b64decode(value: str) -> bytes:
    # Strict: the standard decoder skips characters outside the alphabet and ignores the
    # unused low bits of the last one, so a file with a changed character could still verify.
    if not _B64URL.fullmatch(value):
        raise ValueError("bad base64url")
    data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))  # ValueError if cut short
    if base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii") != value:
        raise ValueError("non-canonical base64url")
    return data


def _json_object(data: bytes, what: str) -> dict:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:  # RecursionError: "[[[[…" nested too deep
        raise NotALicenseFile(f"its {what} is not JSON.") from exc
    if not isinstance(value, dict):
        raise NotALicenseFile(f"its {what} is not a JSON object.")
    return value


def _public_key(jwks: dict, kid) -> Ed25519PublicKey:
    """The Ed25519 key `kid` of the JWKS; ValueError if the JWKS itself is broken."""
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        raise ValueError("The JWKS is not a JWK Set: it has no list of keys.")
    for key in keys:
        if not isinstance(key, dict) or key.get("kid") != kid:
            continue
        if key.get("kty") == "OKP" and key.get("crv") == "Ed25519":
            try:
                return Ed25519PublicKey.from_public_bytes(_b64decode(key.get("x")))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"The JWKS key {kid!r} is not an Ed25519 public key.") from exc
    raise VerificationError(f"No published key has the id {kid!r}.")


def verify(token: str, jwks: dict, now: datetime | None = None) -> tuple[dict, dict]:
    """Return (header, payload) of a valid license file, or raise VerificationError
    (NotALicenseFile for anything that is not a JWS of JSON objects); ValueError for a broken
    JWKS."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise NotALicenseFile("it is not three base64url parts joined by dots.")
    try:
        header_json, payload_json, signature = (_b64decode(part) for part in parts)
    except ValueError as exc:
        raise NotALicenseFile(f"{exc}.") from exc
    header = _json_object(header_json, "header")
    if header.get("alg") != "EdDSA":
        raise VerificationError(f"Unexpected algorithm {header.get('alg')!r}; expected EdDSA.")
    public_key = _public_key(jwks, header.get("kid"))
    try:
        public_key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except (InvalidSignature, ValueError) as exc:
        raise VerificationError("The signature does not match: the file was altered.") from exc
    payload = _json_object(payload_json, "payload")
    if payload.get("type") not in TYPES:
        raise VerificationError(f"Unknown license file type {payload.get('type')!r}.")
    try:
        issued = datetime.fromisoformat(str(payload.get("issuedAt")).replace("Z", "+00:00"))
    except ValueError as exc:
        raise VerificationError("The file has no valid issue time.") from exc
    if issued.tzinfo is None:
        raise VerificationError("The file has no valid issue time: it gives no time zone.")
    now = now or datetime.now(UTC)
    if issued > now + MAX_CLOCK_SKEW:
        raise VerificationError(f"The file claims to be issued in the future ({issued}).")
    expires = payload.get("expiresOn")
    if expires:
        try:
            expiry = date.fromisoformat(str(expires))
        except ValueError as exc:
            raise VerificationError("The file has no valid expiry date.") from exc
        if expiry < now.date():
            raise VerificationError(f"The license expired on {expiry.isoformat()}.")
    return header, payload
