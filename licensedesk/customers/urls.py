from django.urls import path

from licensedesk.customers import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export", views.customer_export, name="export"),
    path("add/", views.customer_add, name="add"),
    path("<id:customer_id>/", views.customer_detail, name="detail"),
    path("<id:customer_id>/rename/", views.customer_rename, name="rename"),
    path("<id:customer_id>/delete/", views.customer_delete, name="delete"),
]
