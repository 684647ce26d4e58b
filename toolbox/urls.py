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
    path("sharing/<slug:module>/", views.share, name="share"),
    # A provider's view of what a person in their care shares with them.
    path("people/<int:user_id>/", views.person, name="person"),
    path("people/<int:user_id>/crisis-plan/", views.shared_crisis_plan, name="shared_crisis_plan"),
    path("people/<int:user_id>/goals/", views.shared_goals, name="shared_goals"),
]
