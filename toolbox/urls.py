from django.urls import path

from toolbox import views

app_name = "toolbox"

urlpatterns = [
    path("", views.index, name="index"),
    path("crisis-plan/", views.crisis_plan, name="crisis_plan"),
    path("crisis-plan/edit/", views.crisis_plan_edit, name="crisis_plan_edit"),
    path("crisis-plan/print/", views.crisis_plan_print, name="crisis_plan_print"),
    path("crisis-plan/preview/", views.crisis_plan_preview, name="crisis_plan_preview"),
    path("goals/", views.goals, name="goals"),
    path("goals/new/", views.goal_edit, name="goal_new"),
    path("goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/preview/", views.goals_preview, name="goals_preview"),
    path("week/", views.week, name="week"),
    path("activities/new/", views.activity_edit, name="activity_new"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:activity_id>/done/", views.activity_done, name="activity_done"),
    path("activities/<int:activity_id>/delete/", views.activity_delete, name="activity_delete"),
    # Information pages (everyone signed in) and local links (a service user's community; the consultant keeps them).
    path("info/", views.info_pages, name="info_pages"),
    path("info/<slug:slug>/", views.info_page, name="info_page"),
    path("links/", views.local_links, name="local_links"),
    path("links/new/", views.local_link_edit, name="local_link_new"),
    path("links/<int:link_id>/edit/", views.local_link_edit, name="local_link_edit"),
    path("links/<int:link_id>/delete/", views.local_link_delete, name="local_link_delete"),
    path("sharing/<slug:module>/", views.share, name="share"),
    # A provider's view of what a person in their care shares with them.
    path("people/<int:user_id>/", views.person, name="person"),
    path("people/<int:user_id>/crisis-plan/", views.shared_crisis_plan, name="shared_crisis_plan"),
    path("people/<int:user_id>/goals/", views.shared_goals, name="shared_goals"),
]
