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
    path("<int:cafe_id>/together/", views.together, name="together"),
    path("<int:cafe_id>/attendance/", views.attendance, name="attendance"),
    path("<int:cafe_id>/how-was-it/", views.feedback, name="feedback"),
    path("<int:cafe_id>/forum-thread/", views.forum_thread, name="forum_thread"),
    path("together/", views.together_open, name="together_open"),
    path("together/<int:request_id>/withdraw/", views.together_withdraw, name="together_withdraw"),
    path("together/<int:request_id>/propose/", views.together_propose, name="together_propose"),
    path("matches/<int:match_id>/", views.match, name="match"),
    path("matches/<int:match_id>/answer/", views.match_answer, name="match_answer"),
    path("matches/<int:match_id>/phone/", views.match_phone, name="match_phone"),
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
