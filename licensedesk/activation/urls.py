from django.urls import path

from licensedesk.activation import views

app_name = "activation"

urlpatterns = [
    path("<str:code>/license-file/", views.download_license_file, name="license_file"),
    path("<str:code>/activate/", views.activate, name="activate"),
    path("<str:code>/activations/export", views.activation_export, name="export"),
    path("<str:code>/activations/<id:activation_id>/", views.activation_detail, name="detail"),
    path(
        "<str:code>/activations/<id:activation_id>/license-file/",
        views.download_activated_file,
        name="activated_file",
    ),
]
