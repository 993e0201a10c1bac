from django.urls import path

from licensedesk.care import views

app_name = "care"

urlpatterns = [
    path("", views.care_overview, name="overview"),
    path("calendar/new/", views.calendar_new, name="calendar_new"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar"),
    path("reminders/", views.reminder_list, name="reminders"),
    path("reminders/new/", views.reminder_create, name="reminder_create"),
    path("reminders/<id:reminder_id>/", views.reminder_edit, name="reminder_edit"),
    path("reminders/<id:reminder_id>/delete/", views.reminder_delete, name="reminder_delete"),
]
