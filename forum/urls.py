from django.urls import path

from forum import views

app_name = "forum"

urlpatterns = [
    path("", views.index, name="index"),
    path("preview/", views.preview, name="preview"),
    path("boards/<slug:slug>/", views.board, name="board"),
    path("boards/<slug:slug>/new/", views.thread_create, name="thread_create"),
    path("threads/<int:thread_id>/", views.thread, name="thread"),
    path("threads/<int:thread_id>/unread/", views.thread_unread, name="thread_unread"),
    path("threads/<int:thread_id>/reply/", views.reply, name="reply"),
    path("threads/<int:thread_id>/follow/", views.follow, name="follow"),
    path("posts/<int:post_id>/", views.post, name="post"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("posts/<int:post_id>/report/", views.post_report, name="post_report"),
]
