from django.urls import path

from licensedesk.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.installation_list, name="list"),
    path("export", views.installation_export, name="export"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("<id:installation_id>/", views.installation_detail, name="detail"),
    path("<id:installation_id>/monitoring/enable/", views.enable_monitoring, name="enable"),
    path("<id:installation_id>/monitoring/disable/", views.disable_monitoring, name="disable"),
    path("<id:installation_id>/maintenance/", views.set_maintenance, name="maintenance"),
    path("<id:installation_id>/maintenance/end/", views.end_maintenance, name="end_maintenance"),
    path("add/<str:code>/", views.add_installation, name="add"),
]
