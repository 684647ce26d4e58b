from django.urls import path

from moderation import stats_views, views

app_name = "moderation"

urlpatterns = [
    # The consultant's workspace (consultant and admins; 404 for everyone else).
    path("", views.queue, name="queue"),
    path("items/<int:item_id>/", views.item, name="item"),
    path("items/<int:item_id>/act/", views.item_act, name="item_act"),
    path("items/<int:item_id>/write/", views.item_write, name="item_write"),
    path("log/", views.log, name="log"),
    path("members/<str:pseudonym>/", views.member, name="member"),
    path("members/<str:pseudonym>/notes/", views.member_note, name="member_note"),
    path("members/<str:pseudonym>/pause/", views.member_pause, name="member_pause"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path("templates/<int:template_id>/delete/", views.template_delete, name="template_delete"),
    path("on-duty/", views.duty, name="duty"),
    path("announce/", views.announce, name="announce"),
    # A member's own: what was done to my posts and why (service users only).
    path("my-posts/", views.my_history, name="my_history"),
    # Statistics (moderation.stats_views)
    path("statistics/", stats_views.statistics_page, name="statistics"),
    path("statistics/csv/", stats_views.statistics_csv, name="statistics_csv"),
    path("statistics/refresh/", stats_views.statistics_refresh, name="statistics_refresh"),
]
