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
]
