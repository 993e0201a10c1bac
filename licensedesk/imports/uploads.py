"""The web's import in two steps: the uploaded file is kept (a LicenseImport row, an hour)
and previewed; confirming applies it only if checking it again gives the same preview.
A file larger than BACKGROUND_BYTES (too long to check within a request; docs/benchmarks.md)
is checked and applied by the worker (outbox jobs), while the page polls its progress."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from licensedesk import access
from licensedesk.core.errors import ServiceError
from licensedesk.core.net import client_ip
from licensedesk.core.ratelimit import RateLimited
from licensedesk.imports import reading, services
from licensedesk.imports.checking import Plan
from licensedesk.imports.models import LicenseImport
from licensedesk.outbox.registry import enqueue

KEPT = timedelta(hours=1)
BACKGROUND_BYTES = 128 * 1024
BACKGROUND_XLSX_BYTES = 48 * 1024
PREVIEW_ROWS = 500  # rows the preview lists (the counts and every error are complete)
State = LicenseImport.State

FAILED = "The import failed, and nothing was imported. Upload the file again to retry."
CHANGED = (
    "The licenses changed since the preview, so nothing was imported. Check the new preview "
    "and confirm again."
)


def safe_filename(name: str) -> str:
    """A name to show and to audit: its last path part, printable, at most 200 characters."""
    name = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isprintable())[:200] or "spreadsheet"


def upload(user, content: bytes, filename: str, request=None) -> LicenseImport:
    """Keep the file and check it: at once if small (a file-level problem is raised, and
    nothing kept), else in the worker."""
    services.require_importer(user)
    services.take_upload(user)
    if len(content) > reading.MAX_BYTES:
        raise reading.too_large()
    record = LicenseImport(
        organization_id=user.organization_id,
        created_by=user,
        filename=safe_filename(filename),
        content=content,
        expires_at=timezone.now() + KEPT,
        ip_address=client_ip(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
    )
    if in_background(content):
        with transaction.atomic():
            record.save()
            enqueue("imports.check", {"import_id": str(record.pk)}, max_attempts=3)
        return record
    sheet = reading.read(content)
    _previewed(record, services.dry_run(user, sheet))
    record.save()
    return record


def in_background(content: bytes) -> bool:
    xlsx = reading.is_xlsx(content)
    return len(content) > (BACKGROUND_XLSX_BYTES if xlsx else BACKGROUND_BYTES)


def _previewed(record: LicenseImport, plan: Plan, problem: str = "") -> None:
    record.state = State.CHECKED
    record.report = preview(plan)
    record.fingerprint = plan.fingerprint
    record.rows_total = record.rows_done = plan.total
    record.problem = problem


def preview(plan: Plan) -> dict:
    """What the page shows: counts, every error, the first rows that change something, and
    the customers and groups the import would create."""
    changing = [r for r in plan.rows if r.action != "unchanged"]
    return {
        **plan.summary(),
        "error_rows": plan.error_rows,
        "columns": list(plan.columns),
        "ignored": plan.ignored,
        "items": [
            {"row": r.number, "slc": r.slc, "action": r.action, "changes": r.changes}
            for r in changing[:PREVIEW_ROWS]
        ],
        "more": max(0, len(changing) - PREVIEW_ROWS),
        "new_customers": sorted(
            name for key, (pk, name) in plan.customers.items() if pk is None and _used(plan, key)
        ),
        "new_groups": sorted(
            {name for pk, name in plan.groups.values() if pk is None and _in_groups(plan, name)}
        ),
    }


def _used(plan: Plan, key: str) -> bool:
    return any(r.customer == key and "customer" in r.changes for r in plan.rows)


def _in_groups(plan: Plan, name: str) -> bool:
    return any("groups" in r.changes and name in r.changes["groups"]["added"] for r in plan.rows)


def check_in_background(import_id) -> None:
    """The worker's check of a large file, its progress saved as it goes."""
    record = LicenseImport.objects.filter(pk=import_id, state=State.CHECKING).first()
    if record is None:
        return  # checked already (a job may run twice)

    def progress(done, total):
        LicenseImport.objects.filter(pk=record.pk).update(rows_done=done, rows_total=total)

    try:
        sheet = reading.read(bytes(record.content))
        LicenseImport.objects.filter(pk=record.pk).update(rows_total=len(sheet.rows))
        plan = services.dry_run(record.created_by, sheet, progress)
    except (ServiceError, RateLimited, access.Forbidden) as exc:
        _failed(record.pk, State.CHECKING, _message(exc))
        return
    except Exception:
        _failed(record.pk, State.CHECKING, FAILED)
        raise
    _previewed(record, plan)
    record.save(update_fields=["state", "report", "fingerprint", "rows_total", "rows_done"])


def _message(exc) -> str:
    if isinstance(exc, RateLimited):
        return (
            "Too many codes that can't be registered were tried recently: try again in "
            f"{max(1, exc.retry_after // 60)} minutes."
        )
    return getattr(exc, "message", str(exc))[:500]


def confirm(user, record: LicenseImport, partial: bool) -> LicenseImport:
    """Import the previewed file (all of it, or its valid rows only): now if small, else in
    the worker."""
    services.require_importer(user)
    with transaction.atomic():
        record = LicenseImport.objects.select_for_update().get(pk=record.pk)
        if record.state != State.CHECKED:
            return record  # a second click, or still being checked: nothing to do again
        record.partial = partial
        if in_background(bytes(record.content)):
            record.state = State.APPLYING
            record.problem = ""
            record.save(update_fields=["state", "partial", "problem"])
            enqueue("imports.apply", {"import_id": str(record.pk)}, max_attempts=1)
            return record
        record.save(update_fields=["partial"])
        return _apply(record)


def apply_in_background(import_id) -> None:
    try:
        with transaction.atomic():
            record = (
                LicenseImport.objects.select_for_update()
                .filter(pk=import_id, state=State.APPLYING)
                .first()
            )
            if record is not None:
                _apply(record)
    except Exception:
        _failed(import_id, State.APPLYING, FAILED)
        raise


def _failed(import_id, state: str, problem: str) -> None:
    """An unexpected failure in the worker: the page says so instead of waiting forever."""
    LicenseImport.objects.filter(pk=import_id, state=state).update(
        state=State.FAILED, problem=problem
    )


def _apply(record: LicenseImport) -> LicenseImport:
    """Apply a locked record's file (in the caller's transaction), if its preview still
    holds; the record says what happened."""
    try:
        sheet = reading.read(bytes(record.content))
        outcome = services.import_sheet(
            record.created_by,
            sheet,
            partial=record.partial,
            filename=record.filename,
            expected=record.fingerprint,
            ip=record.ip_address,
            agent=record.user_agent,
        )
    except (ServiceError, access.Forbidden) as exc:
        record.state, record.problem = State.FAILED, _message(exc)
    else:
        if outcome.changed:
            _previewed(record, outcome.plan, CHANGED)
        elif not outcome.applied:
            _previewed(record, outcome.plan, _nothing_imported(outcome.plan))
        else:
            record.state, record.problem = State.DONE, ""
            record.result = {k: v for k, v in outcome.plan.summary().items() if k != "errors"}
            record.result["error_rows"] = outcome.plan.error_rows
    record.save()
    return record


def _nothing_imported(plan: Plan) -> str:
    return (
        f"Nothing was imported: {plan.error_rows} row(s) have errors. Correct them and upload "
        "the file again, or import the valid rows only."
    )


def forget_expired(now=None) -> int:
    return LicenseImport.objects.filter(expires_at__lt=now or timezone.now()).delete()[0]
