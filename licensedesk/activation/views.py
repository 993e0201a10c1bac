from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from licensedesk import access
from licensedesk.activation import export, lrq, services, signing
from licensedesk.activation.forms import UploadForm
from licensedesk.activation.models import Activation
from licensedesk.core import ratelimit
from licensedesk.core.errors import ServiceError
from licensedesk.core.responses import too_many_requests
from licensedesk.exports import formats

UPLOADS = ratelimit.Limit(capacity=60, per_seconds=60)


def _license(request, code):
    return get_object_or_404(
        access.licenses_visible_to(request.user).select_related(
            "product", "version", "organization", "customer"
        ),
        code=code,
    )


def license_file_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/jose")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@access.license_role_required
def download_license_file(request, code):
    lic = _license(request, code)
    content = services.initial_license_file(lic, request.user, request=request)
    return license_file_response(content, f"{lic.code}.lic")


@access.license_role_required
def activate(request, code):
    lic = _license(request, code)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["lrq"]
        try:
            ratelimit.consume("upload", str(request.user.pk), UPLOADS)
            if upload.size > lrq.MAX_BYTES:
                raise lrq.InvalidRequest("The file is larger than 10 MB.", code="lrq_too_large")
            activation, replayed = services.activate(
                request.user, lic.code, upload.read(lrq.MAX_BYTES + 1), request=request
            )
        except ratelimit.RateLimited as exc:
            return too_many_requests(request, exc)
        except ServiceError as exc:
            form.add_error("lrq", exc.message)
        else:
            if replayed:
                messages.info(
                    request,
                    "This request was processed before: here is the same "
                    "license file; no more device licenses were used.",
                )
            return redirect("activation:detail", code=lic.code, activation_id=activation.pk)
    return render(request, "activation/activate.html", {"license": lic, "form": form})


def _activation(request, code, activation_id):
    lic = _license(request, code)
    return lic, get_object_or_404(
        Activation.objects.select_related("installation", "created_by"),
        pk=activation_id,
        license=lic,
    )


@access.license_role_required
def activation_detail(request, code, activation_id):
    lic, activation = _activation(request, code, activation_id)
    return render(
        request, "activation/activation_detail.html", {"license": lic, "activation": activation}
    )


@access.license_role_required
def download_activated_file(request, code, activation_id):
    lic, activation = _activation(request, code, activation_id)
    stamp = activation.created_at.strftime("%Y%m%d-%H%M%S")
    return license_file_response(activation.license_file, f"{lic.code}-activated-{stamp}.lic")


@access.license_role_required
def activation_export(request, code):
    """The license's whole activation history (`?format=csv|xlsx|json`)."""
    lic = _license(request, code)
    return formats.download(request, export.TABLE, {"slc": lic.code})


@login_not_required
def jwks(request):
    """The public keys that verify license files (RFC 7517), old ones included."""
    response = JsonResponse(signing.jwks(), content_type="application/jwk-set+json")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
