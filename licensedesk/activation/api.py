from datetime import datetime
from uuid import UUID

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from licensedesk import access
from licensedesk.activation import lrq, services
from licensedesk.activation.models import Activation
from licensedesk.activation.views import UPLOADS, license_file_response
from licensedesk.api.openapi import errors
from licensedesk.core import ratelimit
from licensedesk.core.errors import ServiceError
from licensedesk.licenses.codes import normalize

router = Router(tags=["activation"])


def license_file(*statuses: int) -> dict:
    """`openapi_extra` for answers that are a license file (a JWS, `application/jose`)."""
    content = {"application/jose": {"schema": {"type": "string", "description": "A JWS."}}}
    return {"responses": {str(s): {"content": content} for s in statuses}}


class ActivationOut(Schema):
    id: int
    created_at: datetime
    installation_id: UUID
    hostname: str
    request_id: UUID
    via: str
    activated: int
    kept: int
    released: int
    refused: int
    created_by: str | None

    @staticmethod
    def resolve_installation_id(obj):
        return obj.installation.uuid

    @staticmethod
    def resolve_hostname(obj):
        return obj.installation.hostname

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.email if obj.created_by else None


class ActivatedOut(ActivationOut):
    license_file: str


def _license(request, slc):
    access.require(request, access.has_license_role(request.auth), "license_role")
    lic = access.visible_license(request.auth, normalize(slc))
    if lic is None:
        raise Http404
    return lic


def _request_bytes(request) -> bytes:
    """The .lrq from a multipart upload (field `lrq` or `file`) or the raw body; the size is
    checked before anything is read or parsed."""
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > lrq.MAX_BYTES + 64 * 1024:
        raise ServiceError(
            "The license request is larger than 10 MB.", code="lrq_too_large", status=413
        )
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        upload = request.FILES.get("lrq") or request.FILES.get("file")
        if upload is None:
            raise ServiceError("Send the .lrq file in the form field `lrq`.", code="missing_lrq")
        if upload.size > lrq.MAX_BYTES:
            raise ServiceError(
                "The license request is larger than 10 MB.", code="lrq_too_large", status=413
            )
        return upload.read()
    if content_type.split(";")[0].strip() not in ("application/xml", "text/xml"):
        raise ServiceError(
            "Send the .lrq as application/xml or as a multipart upload.",
            code="unsupported_media_type",
            status=415,
        )
    return request.body


@router.post(
    "/licenses/{slc}/activations",
    response={201: ActivatedOut, 200: ActivatedOut},  # the summary for Accept: application/json
    openapi_extra={
        "responses": {
            **license_file(200, 201)["responses"],
            **errors(400, 409, 413, 415, 429)["responses"],
        },
        "requestBody": {
            "content": {
                "application/xml": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"lrq": {"type": "string", "format": "binary"}},
                    }
                },
            }
        },
    },
)
def create_activation(request, slc: str):
    """Activate device licenses online: send the installation's license request (.lrq), get
    the activated license file (`application/jose`; with `Accept: application/json`, a summary
    that includes it). Honours `Idempotency-Key`. A request already processed answers 200 with
    the same file and uses no more device licenses."""
    key = request.headers.get("Idempotency-Key", "").strip()[:200] or None
    access.require(request, access.has_license_role(request.auth), "license_role")
    ratelimit.consume("upload", str(request.auth.pk), UPLOADS)
    activation, replayed = services.activate(
        request.auth,
        normalize(slc),
        _request_bytes(request),
        via="api",
        idempotency_key=key,
        request=request,
    )
    status = 200 if replayed and not key else 201
    location = f"/api/v1/activations/{activation.pk}/license-file"
    if "application/json" in request.headers.get("Accept", ""):
        body = ActivationOut.from_orm(activation).dict()
        body["license_file"] = activation.license_file
        response = JsonResponse(body, status=status)
    else:
        response = HttpResponse(
            activation.license_file, content_type="application/jose", status=status
        )
    response["Location"] = location
    return response


@router.get("/licenses/{slc}/activations", response=list[ActivationOut])
@paginate
def list_activations(request, slc: str):
    lic = _license(request, slc)
    return Activation.objects.filter(license=lic).select_related("installation", "created_by")


@router.get("/licenses/{slc}/license-file", response={200: None}, openapi_extra=license_file(200))
def get_license_file(request, slc: str):
    """The initial license file (JWS), signed now."""
    lic = _license(request, slc)
    return license_file_response(
        services.initial_license_file(lic, request.auth, request=request), f"{lic.code}.lic"
    )


@router.get(
    "/activations/{id:activation_id}/license-file",
    response={200: None},
    openapi_extra=license_file(200),
)
def get_activated_file(request, activation_id: int):
    access.require(request, access.has_license_role(request.auth), "license_role")
    activation = get_object_or_404(
        access.activations_visible_to(request.auth).select_related("license"), pk=activation_id
    )
    return license_file_response(activation.license_file, f"{activation.license.code}.lic")
