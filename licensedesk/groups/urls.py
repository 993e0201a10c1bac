from django.urls import path

from licensedesk.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("export", views.group_export, name="export"),
    path("new/", views.group_create, name="create"),
    path("add-licenses/", views.add_to_group, name="add_licenses"),
    path("<id:group_id>/", views.group_detail, name="detail"),
    path("<id:group_id>/edit/", views.group_edit, name="edit"),
    path("<id:group_id>/delete/", views.group_delete, name="delete"),
    path("<id:group_id>/grant/", views.group_grant, name="grant"),
]
