"""Turn LICENSEDESK_EMAIL_URL into Django email settings.

smtp://user:pass@host:port (STARTTLS with ?tls=1), smtps://… (implicit TLS),
console: (print mails), or a directory path (one file per mail, for development).
"""

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


def email_settings(url: str, data_dir: Path) -> dict:
    if not url or url in {"console:", "console://"}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith(("smtp://", "smtps://")):
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        implicit_tls = parts.scheme == "smtps"
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if implicit_tls else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": implicit_tls,
            "EMAIL_USE_TLS": not implicit_tls and query.get("tls", ["0"])[0] in {"1", "true"},
            "EMAIL_TIMEOUT": 10,
        }
    path = Path(url.removeprefix("file://"))
    if not path.is_absolute():
        path = data_dir / path
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(path),
    }
