from django.urls import path

from forum import views
from forum.views import circles as circle_views
from forum.views import moderate as moderate_views
from forum.views import profiles as profile_views
from forum.views import reactions as reaction_views
from forum.views import search as search_views

app_name = "forum"

urlpatterns = [
    path("", views.index, name="index"),
    path("preview/", views.preview, name="preview"),
    path("search/", search_views.search_page, name="search"),
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
    path("posts/<int:post_id>/react/", reaction_views.react, name="react"),
    # Member profiles, by pseudonym (any letter case); providers and admins have none (404).
    path("members/<str:pseudonym>/", profile_views.member, name="member"),
    path("profile/", profile_views.profile_edit, name="profile_edit"),
    # The service user consultant's moderation (404 for everyone else).
    path("threads/<int:thread_id>/pin/", moderate_views.thread_pin, name="thread_pin"),
    path("threads/<int:thread_id>/lock/", moderate_views.thread_lock, name="thread_lock"),
    path("threads/<int:thread_id>/move/", moderate_views.thread_move, name="thread_move"),
    path("posts/<int:post_id>/hide/", moderate_views.post_hide, name="post_hide"),
    path("posts/<int:post_id>/restore/", moderate_views.post_restore, name="post_restore"),
    path("posts/<int:post_id>/revisions/", moderate_views.post_revisions, name="post_revisions"),
    # Circles: closed groups (404 for anyone not in the circle; the consultant is in every circle).
    path("circles/", circle_views.circles, name="circles"),
    path("circles/new/", circle_views.circle_create, name="circle_create"),
    path("circles/<int:circle_id>/", circle_views.circle, name="circle"),
    path("circles/<int:circle_id>/new/", circle_views.circle_thread_create, name="circle_thread_create"),
    path("circles/<int:circle_id>/invite/", circle_views.circle_invite, name="circle_invite"),
    path("circles/<int:circle_id>/leave/", circle_views.circle_leave, name="circle_leave"),
    path("circles/invitations/<int:invitation_id>/accept/", circle_views.invitation_accept,
         name="circle_invitation_accept"),
    path("circles/invitations/<int:invitation_id>/decline/", circle_views.invitation_decline,
         name="circle_invitation_decline"),
    path("circles/invitations/<int:invitation_id>/withdraw/", circle_views.invitation_withdraw,
         name="circle_invitation_withdraw"),
]
