"""The API's exports: `GET <list>/export?format=csv|xlsx|json&<the list's filters>` beside each
list, answering the file (text/csv, XLSX, or a JSON array of one object per row) with the
same rows, visibility and order as the list, unpaginated. Registered before the apps'
routers, so that `/licenses/export` is not taken for an SLC."""

from typing import Literal

from django.http import Http404
from ninja import Query, Router

from licensedesk import access
from licensedesk.activation import export as activation_export
from licensedesk.audit import export as audit_export
from licensedesk.customers import export as customer_export
from licensedesk.exports import formats
from licensedesk.groups import export as group_export
from licensedesk.licenses import codes
from licensedesk.licenses import export as license_export
from licensedesk.licenses.api import LicenseFilters
from licensedesk.monitoring import export as installation_export
from licensedesk.monitoring.api import InstallationFilters

router = Router(tags=["exports"])

Format = Literal["csv", "xlsx", "json"]


class LicenseExportFilters(LicenseFilters):
    care_ends_from: str = ""
    care_ends_until: str = ""
    registered_from: str = ""
    registered_until: str = ""


class InstallationExportFilters(InstallationFilters):
    ordering: Literal["", "hostname"] = ""


ROW_SCHEMAS: dict[str, dict] = {}  # the object of a JSON export's row, by component name


def documented(table: formats.Table, row_name: str) -> dict:
    """`openapi_extra` of an export: its three answers (the object of a JSON row is a
    component, added by `document`)."""
    ROW_SCHEMAS[row_name] = formats.json_schema(table, row_name)
    content = {
        "text/csv": {"schema": {"type": "string", "description": "CSV, header first."}},
        formats.CONTENT_TYPES[formats.XLSX]: {"schema": {"type": "string", "format": "binary"}},
        formats.CONTENT_TYPES[formats.JSON]: {
            "schema": {"type": "array", "items": {"$ref": f"#/components/schemas/{row_name}"}}
        },
    }
    answer = {"description": "The file, as an attachment (docs/formats.md).", "content": content}
    return {"responses": {"200": answer}}


def document(schema: dict) -> None:
    """Add the exports' row objects to the API's OpenAPI `schema` (licensedesk/api/api.py)."""
    schema["components"]["schemas"].update(ROW_SCHEMAS)


def _license_role(request):
    access.require(request, access.has_license_role(request.auth), "license_role")


@router.get(
    "/licenses/export",
    response={200: None},
    openapi_extra=documented(license_export.TABLE, "LicenseExportRow"),
)
def export_licenses(request, filters: Query[LicenseExportFilters], format: Format = "csv"):
    """The licenses you may see, narrowed and ordered as `GET /licenses` does (and by the
    dates of Care's end, of either tier or the one `care_tier` names, and of registration,
    `until` excluded). `visible_to` is filled for
    those who manage visibility (License Admins)."""
    _license_role(request)
    params = filters.dict()
    return formats.response(license_export.TABLE, request.auth, params, format)


@router.get(
    "/customers/export",
    response={200: None},
    openapi_extra=documented(customer_export.TABLE, "CustomerExportRow"),
)
def export_customers(request, format: Format = "csv", search: str = ""):
    """The customers you may see, searched by name, with your licenses' counts."""
    _license_role(request)
    return formats.response(customer_export.TABLE, request.auth, {"search": search}, format)


@router.get(
    "/license-groups/export",
    response={200: None},
    openapi_extra=documented(group_export.TABLE, "LicenseGroupExportRow"),
)
def export_license_groups(request, format: Format = "csv", search: str = ""):
    """One row per license group and SLC in it that you may see (`slc` null for a group
    without any), by group name then SLC; searched by name and description."""
    _license_role(request)
    return formats.response(group_export.TABLE, request.auth, {"search": search}, format)


@router.get(
    "/installations/export",
    response={200: None},
    openapi_extra=documented(installation_export.TABLE, "InstallationExportRow"),
)
def export_installations(
    request, filters: Query[InstallationExportFilters], format: Format = "csv"
):
    """The installations you may see with their state, filtered as `GET /installations`
    (`devices` included), worst first (or by `hostname`)."""
    _license_role(request)
    params = filters.dict()
    return formats.response(installation_export.TABLE, request.auth, params, format)


@router.get(
    "/licenses/{slc}/activations/export",
    response={200: None},
    openapi_extra=documented(activation_export.TABLE, "ActivationExportRow"),
)
def export_activations(request, slc: str, format: Format = "csv"):
    """The license's whole activation history, newest first."""
    _license_role(request)
    lic = access.visible_license(request.auth, codes.normalize(slc))
    if lic is None:
        raise Http404
    return formats.response(activation_export.TABLE, request.auth, {"slc": lic.code}, format)


@router.get(
    "/audit-events/export",
    response={200: None},
    openapi_extra=documented(audit_export.TABLE, "AuditEventExportRow"),
)
def export_audit_events(
    request,
    format: Format = "csv",
    action: str = "",
    actor: str = "",
    since: str = "",
    until: str = "",
):
    """The company's audit log, newest first, filtered as `GET /audit-events` (company
    administrators)."""
    access.require(request, access.is_company_admin(request.auth), "company_admin")
    params = {"action": action, "actor": actor, "since": since, "until": until}
    return formats.response(audit_export.TABLE, request.auth, params, format)
