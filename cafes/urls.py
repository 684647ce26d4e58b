from django.urls import path

from cafes import views

app_name = "cafes"

urlpatterns = [
    path("", views.index, name="index"),
    path("past/", views.past, name="past"),
    path("new/", views.create, name="create"),
    path("<int:cafe_id>/", views.detail, name="detail"),
    path("<int:cafe_id>/answer/", views.answer, name="answer"),
    path("<int:cafe_id>/calendar.ics", views.ics, name="ics"),
    path("<int:cafe_id>/edit/", views.edit, name="edit"),
    path("<int:cafe_id>/cancel/", views.cancel, name="cancel"),
    path("series/", views.series_list, name="series_list"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<int:series_id>/", views.series_edit, name="series_edit"),
    path("series/<int:series_id>/stop/", views.series_stop, name="series_stop"),
    path("reminders/", views.reminders, name="reminders"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/new/", views.calendar_new, name="calendar_new"),
    path("calendar/off/", views.calendar_off, name="calendar_off"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
