"""The web's import: upload a spreadsheet, see the preview, confirm (imports/uploads.py)."""

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from licensedesk import access
from licensedesk.core.errors import ServiceError
from licensedesk.core.ratelimit import RateLimited
from licensedesk.core.responses import too_many_requests
from licensedesk.imports import reading, templates, uploads
from licensedesk.imports.forms import ConfirmForm, UploadForm
from licensedesk.imports.models import LicenseImport


def _require_importer(request):
    access.require(
        request,
        access.can_import_licenses(request.user),
        "import_licenses",
        "Only License Admins import licenses.",
    )


def _own_import(request, import_id) -> LicenseImport:
    _require_importer(request)
    return get_object_or_404(access.license_imports_of(request.user), pk=import_id)


def import_start(request):
    _require_importer(request)
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if request.method == "POST" and declared > reading.MAX_BYTES + 64 * 1024:
        # Refused on its declared length, the body unread.
        context = _start_context(UploadForm(), problem=reading.too_large().message)
        return render(request, "imports/start.html", context, status=413)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > reading.MAX_BYTES:
                raise reading.too_large()
            record = uploads.upload(request.user, upload.read(), upload.name, request=request)
        except RateLimited as exc:
            return too_many_requests(request, exc)
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("imports:detail", import_id=record.pk)
    return render(request, "imports/start.html", _start_context(form))


def _start_context(form, problem: str = "") -> dict:
    return {"form": form, "problem": problem, "max_rows": reading.MAX_ROWS}


def import_template(request, kind):
    _require_importer(request)
    if kind not in templates.KINDS:
        raise Http404
    content, content_type = templates.template(kind)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="licenses-import.{kind}"'
    return response


def import_detail(request, import_id):
    record = _own_import(request, import_id)
    report = record.report
    return render(
        request,
        "imports/detail.html",
        {
            "record": record,
            "report": report,
            "actionable": report.get("registered", 0) + report.get("updated", 0),
            "form": ConfirmForm(initial={"mode": "valid" if report.get("errors") else "all"}),
            "waiting": record.state in (LicenseImport.State.CHECKING, LicenseImport.State.APPLYING),
        },
    )


def import_progress(request, import_id):
    """The state of a file the worker checks or imports, for the page to poll."""
    record = _own_import(request, import_id)
    return JsonResponse(
        {"state": record.state, "rows_done": record.rows_done, "rows_total": record.rows_total},
        headers={"Cache-Control": "no-store"},
    )


@require_POST
def import_confirm(request, import_id):
    record = _own_import(request, import_id)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how to import.")
        return redirect("imports:detail", import_id=record.pk)
    uploads.confirm(request.user, record, partial=form.cleaned_data["mode"] == "valid")
    return redirect("imports:detail", import_id=record.pk)
