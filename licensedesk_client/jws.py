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


def _b64decode(value: str) -> bytes:
    # Strict: the standard decoder skips characters outside the alphabet and ignores the
    # unused low bits of the last one, so a file with a changed character could still verify.
    if not _B64URL.fullmatch(value):
        raise VerificationError("The file is not a JWS: bad base64url.")
    try:
        data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError) as exc:
        raise VerificationError("The file is not a JWS: bad base64url.") from exc
    if base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii") != value:
        raise VerificationError("The file is not a JWS: non-canonical base64url.")
    return data


def verify(token: str, jwks: dict, now: datetime | None = None) -> tuple[dict, dict]:
    """Return (header, payload) of a valid license file, or raise VerificationError."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise VerificationError("The file is not a JWS in compact serialization.")
    try:
        header = json.loads(_b64decode(parts[0]))
    except ValueError as exc:
        raise VerificationError("The JWS header is not JSON.") from exc
    if header.get("alg") != "EdDSA":
        raise VerificationError(f"Unexpected algorithm {header.get('alg')!r}; expected EdDSA.")
    keys = [
        k
        for k in jwks.get("keys", [])
        if k.get("kid") == header.get("kid") and k.get("kty") == "OKP" and k.get("crv") == "Ed25519"
    ]
    if not keys:
        raise VerificationError(f"No published key has the id {header.get('kid')!r}.")
    public_key = Ed25519PublicKey.from_public_bytes(_b64decode(keys[0]["x"]))
    try:
        public_key.verify(_b64decode(parts[2]), f"{parts[0]}.{parts[1]}".encode("ascii"))
    except (InvalidSignature, ValueError) as exc:
        raise VerificationError("The signature does not match: the file was altered.") from exc
    try:
        payload = json.loads(_b64decode(parts[1]))
    except ValueError as exc:
        raise VerificationError("The payload is not JSON.") from exc
    if payload.get("type") not in TYPES:
        raise VerificationError(f"Unknown license file type {payload.get('type')!r}.")
    try:
        issued = datetime.fromisoformat(str(payload.get("issuedAt")).replace("Z", "+00:00"))
    except ValueError as exc:
        raise VerificationError("The file has no valid issue time.") from exc
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
