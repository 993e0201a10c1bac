"""POST /api/v1/imports/licenses: a spreadsheet of license registrations (CSV, XLSX, or
either as a multipart upload), checked (dry_run=true, the default) or imported at once,
synchronously: the answer is the report. File formats: docs/formats.md."""

from ninja import Router, Schema

from licensedesk import access
from licensedesk.api.openapi import errors
from licensedesk.core.errors import ServiceError
from licensedesk.core.net import client_ip
from licensedesk.imports import reading, services
from licensedesk.imports.uploads import safe_filename

router = Router(tags=["imports"])

TYPES = {"text/csv": "csv", reading.XLSX_TYPE: "xlsx", "application/octet-stream": "any"}


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportReport(Schema):
    rows: int
    registered: int
    updated: int
    unchanged: int
    errors: list[RowErrorOut]
    dry_run: bool
    applied: bool


def _file(request) -> tuple[bytes, str]:
    """The file's bytes and name, its size checked before anything is read."""
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > reading.MAX_BYTES + 64 * 1024:
        raise reading.too_large()
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        upload = request.FILES.get("file")
        if upload is None:
            raise ServiceError(
                "Send the spreadsheet in the form field `file`.", code="missing_file"
            )
        if upload.size > reading.MAX_BYTES:
            raise reading.too_large()
        return upload.read(), safe_filename(upload.name)
    kind = TYPES.get(content_type.split(";")[0].strip().lower())
    if kind is None:
        raise ServiceError(
            "Send the spreadsheet as text/csv, as XLSX "
            f"({reading.XLSX_TYPE}) or as a multipart upload.",
            code="unsupported_media_type",
            status=415,
        )
    return request.body, f"API upload ({kind})"


BODY = {
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        reading.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
    }
}


@router.post(
    "/licenses",
    response={200: ImportReport},
    openapi_extra={**errors(400, 413, 415, 429), "requestBody": BODY},
)
def import_licenses(request, dry_run: bool = True, partial: bool = False):
    """Register and update licenses from a spreadsheet: columns `slc` (required), `customer`,
    `description`, `groups` (names separated by `;`) and `visible_to` (License Users'
    addresses separated by `;`). A row for a license of your company updates it; a missing
    column keeps what is there. `dry_run=true` (the default) only reports what would happen;
    `dry_run=false` checks again and imports all of it, or nothing if a row has an error
    (`applied` false), or with `partial=true` the valid rows only. License Admins only."""
    access.require(
        request,
        access.can_import_licenses(request.auth),
        "import_licenses",
        "Only License Admins import licenses.",
    )
    services.take_upload(request.auth)
    content, filename = _file(request)
    sheet = reading.read(content)
    if dry_run:
        plan = services.dry_run(request.auth, sheet)
        return services.Outcome(plan).report(dry_run=True)
    outcome = services.charged(
        request.auth,
        sheet,
        lambda: services.import_sheet(
            request.auth,
            sheet,
            partial=partial,
            filename=filename,
            ip=client_ip(request),
            agent=request.META.get("HTTP_USER_AGENT", ""),
        ),
    )
    return outcome.report(dry_run=False)
