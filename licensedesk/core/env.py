"""Tiny helpers that read settings from the environment."""

import os
import secrets
from pathlib import Path


def env(name: str, default: str = "") -> str:
    """A string setting; NAME_FILE (a path) wins over NAME, for secrets kept in files."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = env(name, "")
    if value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = env(name, "")
    return int(value) if value.strip() else default


def envlist(name: str, default: list[str]) -> list[str]:
    value = env(name, "")
    if not value.strip():
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def secret_key_from(data_dir: Path) -> str:
    """LICENSEDESK_SECRET_KEY, or a key generated once and kept in the data directory."""
    configured = env("LICENSEDESK_SECRET_KEY")
    if configured:
        return configured
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


def private_file(path: Path) -> Path:
    """`path`, readable and writable by this user only: made so if new, tightened if older
    files let others read it (the SQLite database holds every company's data; SQLite gives
    its -wal and -shm files the database file's mode)."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    elif path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return path
