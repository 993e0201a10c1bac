from django.urls import path

from licensedesk.notifications import views

app_name = "notifications"

urlpatterns = [
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/new/", views.profile_create, name="profile_create"),
    path("profiles/<id:profile_id>/", views.profile_edit, name="profile_edit"),
    path("profiles/<id:profile_id>/delete/", views.profile_delete, name="profile_delete"),
    path("profiles/<id:profile_id>/mute/", views.profile_mute, name="profile_mute"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/<id:delivery_id>/retry/", views.delivery_retry, name="delivery_retry"),
    path("mute/<str:token>/", views.mute, name="mute"),
]
