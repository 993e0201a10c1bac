from django.contrib import admin
from django.urls import include, path

from licensedesk.activation.views import jwks as jwks_view
from licensedesk.api.api import api
from licensedesk.core import views as core_views
from licensedesk.core.metrics import metrics_view
from licensedesk.monitoring import intake

admin.site.site_header = "licensedesk back office"
admin.site.site_title = "licensedesk back office"

urlpatterns = [
    # First: status reports are the hottest requests (see licensedesk/monitoring/intake.py).
    path(
        "api/v1/installations/<id:installation_id>/status",
        intake.status_view,
        name="installation-status",
    ),
    path("api/v1/", api.urls),
    path("healthz", core_views.health, name="health"),
    path("readyz", core_views.ready, name="ready"),
    path("metrics", metrics_view, name="metrics"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("", include("licensedesk.dashboard.urls")),
    path("accounts/", include("licensedesk.accounts.urls")),
    path("activity/", include("licensedesk.audit.urls")),
    path("licenses/import/", include("licensedesk.imports.urls")),
    path("licenses/", include("licensedesk.licenses.urls")),
    path("licenses/", include("licensedesk.activation.urls")),
    path(".well-known/jwks.json", jwks_view, name="jwks"),
    path("customers/", include("licensedesk.customers.urls")),
    path("groups/", include("licensedesk.groups.urls")),
    path("care/", include("licensedesk.care.urls")),
    path("installations/", include("licensedesk.monitoring.urls")),
    path("notifications/", include("licensedesk.notifications.urls")),
    path("backoffice/", admin.site.urls),
]

handler403 = "licensedesk.core.views.forbidden"
handler404 = "licensedesk.core.views.not_found"
handler500 = "licensedesk.core.views.server_error"
