"""Signing keys and JWS (RFC 7515) license files, signed with Ed25519 (alg EdDSA, RFC 8037).

Keys live outside the database: a key file in the data directory (or the path in
LICENSEDESK_SIGNING_KEYS_FILE), made on first use. Rotating adds a new signing key; the old
public keys stay published in the JWKS so files signed before still verify."""

import base64
import fcntl
import json
import os
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from licensedesk.core.env import env

JWS_TYPE = "licensedesk-license+jws"
_lock = threading.Lock()
_cache: dict = {}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def keys_path() -> Path:
    configured = env("LICENSEDESK_SIGNING_KEYS_FILE")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "signing_keys.json"


def _new_key() -> dict:
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    created = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return {
        "kid": f"ld-{created}-{b64url(os.urandom(3))}",
        "d": b64url(raw),
        "x": b64url(public),
        "created": created,
    }


def _write(path: Path, keyset: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # A temporary file of its own (mode 0600), so two rotations at once never share one.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w") as handle:
        json.dump(keyset, handle, indent=2)
    os.replace(tmp, path)


def load_keyset() -> dict:
    """{"active": kid, "keys": [...]}, created with one key on first use."""
    path = keys_path()
    with _lock:
        mtime = path.stat().st_mtime_ns if path.exists() else None
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        if mtime is None:
            key = _new_key()
            keyset = {"active": key["kid"], "keys": [key]}
            # Written aside, then linked into place: the link fails if another process made
            # the file first, and nobody ever reads a half-written file.
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.new")
            _write(tmp, keyset)
            try:
                os.link(tmp, path)
            except FileExistsError:
                keyset = json.loads(path.read_text())
            finally:
                tmp.unlink()
        else:
            keyset = json.loads(path.read_text())
        _cache[path] = (path.stat().st_mtime_ns, keyset)
        return keyset


def rotate() -> str:
    """Make a new signing key; older keys stay published. Returns the new kid."""
    load_keyset()  # makes the file on first use
    path = keys_path()
    # Read, add and write under an exclusive lock: of two rotations at once, neither key is
    # lost (a lost key would leave the files it signed unverifiable).
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        keyset = json.loads(path.read_text())
        key = _new_key()
        _write(path, {"active": key["kid"], "keys": [*keyset["keys"], key]})
    return key["kid"]


def _b64decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def jwks() -> dict:
    """The public keys (RFC 7517, OKP keys of RFC 8037)."""
    return {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": k["x"],
                "kid": k["kid"],
                "use": "sig",
                "alg": "EdDSA",
            }
            for k in load_keyset()["keys"]
        ]
    }


def _private_key(kid: str) -> Ed25519PrivateKey:
    cached = _cache.get(("private", kid))
    if cached is None:
        [key] = [k for k in load_keyset()["keys"] if k["kid"] == kid]
        cached = Ed25519PrivateKey.from_private_bytes(_b64decode(key["d"]))
        _cache[("private", kid)] = cached
    return cached


def sign(payload: dict) -> str:
    """A JWS in compact serialization of the JSON payload, signed with the active key."""
    kid = load_keyset()["active"]
    header = {"alg": "EdDSA", "kid": kid, "typ": JWS_TYPE}
    signing_input = (
        b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + b64url(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    )
    signature = _private_key(kid).sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url(signature)}"
