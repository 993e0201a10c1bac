from django.urls import path

from licensedesk.licenses import views

app_name = "licenses"

urlpatterns = [
    path("", views.license_list, name="list"),
    path("export", views.license_export, name="export"),
    path("export.csv", views.license_export, name="export_csv"),  # the address before XLSX
    path("register/", views.license_register, name="register"),
    path("grant/", views.license_bulk_grant, name="bulk_grant"),
    path("<str:code>/", views.license_detail, name="detail"),
    path("<str:code>/edit/", views.license_edit, name="edit"),
    path("<str:code>/visibility/", views.license_visibility, name="visibility"),
    path("<str:code>/groups/", views.license_groups, name="groups"),
]
