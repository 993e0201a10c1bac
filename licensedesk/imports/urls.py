from django.urls import path

from licensedesk.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_start, name="start"),
    path("template.<str:kind>", views.import_template, name="template"),
    path("<uuid:import_id>/", views.import_detail, name="detail"),
    path("<uuid:import_id>/progress", views.import_progress, name="progress"),
    path("<uuid:import_id>/confirm", views.import_confirm, name="confirm"),
]
