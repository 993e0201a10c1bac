from django.urls import path

from licensedesk.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.activity, name="activity"),
    path("export", views.activity_export, name="export"),
]
