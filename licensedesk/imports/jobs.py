"""The worker's side of web imports: checking and applying large files, and forgetting
uploads an hour old."""

from datetime import timedelta

from licensedesk.imports import uploads
from licensedesk.outbox.registry import handler
from licensedesk.outbox.schedule import every


@handler("imports.check")
def check(payload: dict) -> None:
    uploads.check_in_background(payload["import_id"])


@handler("imports.apply")
def apply(payload: dict) -> None:
    uploads.apply_in_background(payload["import_id"])


@handler("imports.forget_expired")
def forget_expired(payload: dict) -> None:
    uploads.forget_expired()


every(timedelta(hours=1), "imports.forget_expired")
