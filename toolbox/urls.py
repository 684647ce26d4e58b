from django.urls import path

from toolbox import views
from toolbox.views import exercises
from toolbox.views import medication, network

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
    # --- Exercises (everyone signed in reads the library; the consultant keeps it) and reflections -------------
    path("exercises/", exercises.exercises, name="exercises"),
    path("exercises/keep/", exercises.exercises_keep, name="exercises_keep"),
    path("exercises/new/", exercises.exercise_edit, name="exercise_new"),
    path("exercises/<int:exercise_id>/", exercises.exercise, name="exercise"),
    path("exercises/<int:exercise_id>/edit/", exercises.exercise_edit, name="exercise_edit"),
    path("exercises/<int:exercise_id>/publish/", exercises.exercise_publish, name="exercise_publish"),
    path("exercises/<int:exercise_id>/feature/", exercises.exercise_feature, name="exercise_feature"),
    path("exercises/featured/<int:featuring_id>/end/", exercises.featuring_end, name="featuring_end"),
    path("exercises/<int:exercise_id>/reflect/", exercises.reflection_new, name="reflection_new"),
    path("reflections/", exercises.reflections, name="reflections"),
    path("reflections/preview/", exercises.reflections_preview, name="reflections_preview"),
    path("reflections/<int:reflection_id>/edit/", exercises.reflection_edit, name="reflection_edit"),
    path("reflections/<int:reflection_id>/delete/", exercises.reflection_delete, name="reflection_delete"),
    path("people/<int:user_id>/reflections/", exercises.shared_reflections, name="shared_reflections"),
    path("sharing-notices/", exercises.sharing_notices, name="sharing_notices"),
    # --- Network map and medication overview (toolbox/views/network.py, medication.py) --------------------------
    path("network/", network.network, name="network"),
    path("network/new/", network.person_edit, name="network_person_new"),
    path("network/preview/", network.network_preview, name="network_preview"),
    path("network/<int:person_id>/edit/", network.person_edit, name="network_person_edit"),
    path("network/<int:person_id>/move/", network.person_move, name="network_person_move"),
    path("network/<int:person_id>/delete/", network.person_delete, name="network_person_delete"),
    path("people/<int:user_id>/network/", network.shared_network, name="shared_network"),
    path("medication/", medication.medication, name="medication"),
    path("medication/new/", medication.medication_edit, name="medication_new"),
    path("medication/print/", medication.medication_print, name="medication_print"),
    path("medication/preview/", medication.medication_preview, name="medication_preview"),
    path("medication/<int:medication_id>/edit/", medication.medication_edit, name="medication_edit"),
    path("medication/<int:medication_id>/stop/", medication.medication_stop, name="medication_stop"),
    path("medication/<int:medication_id>/delete/", medication.medication_delete, name="medication_delete"),
    path("people/<int:user_id>/medication/", medication.shared_medication, name="shared_medication"),
]
