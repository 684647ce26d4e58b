from django.urls import path

from toolbox import views

app_name = "toolbox"

urlpatterns = [
    path("", views.index, name="index"),
    path("crisis-plan/", views.crisis_plan, name="crisis_plan"),
    path("crisis-plan/edit/", views.crisis_plan_edit, name="crisis_plan_edit"),
    path("crisis-plan/print/", views.crisis_plan_print, name="crisis_plan_print"),
    path("crisis-plan/preview/", views.crisis_plan_preview, name="crisis_plan_preview"),
    path("sharing/<slug:module>/", views.share, name="share"),
    # A provider's view of what a person in their care shares with them.
    path("people/<int:user_id>/", views.person, name="person"),
    path("people/<int:user_id>/crisis-plan/", views.shared_crisis_plan, name="shared_crisis_plan"),
]
