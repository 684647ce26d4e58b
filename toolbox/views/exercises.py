"""Exercises and reflections. Thin: access → form → service → redirect; every page works without JavaScript.

- The library (published exercises) is for everyone signed in; the consultant also writes, publishes and features
  exercises here (admins use the Django admin).
- Reflections are the service user's own; a provider reads them only while a care link and a share of "exercise
  reflections" both hold, and each view writes an audit row the owner sees (the one kind of GET that writes).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from toolbox import access, services
from toolbox.forms import ExerciseForm, FeatureExerciseForm, ReflectionForm
from toolbox.models import BUILT_MODULES, ExerciseCategory, Module
from toolbox.views import MODULE_PAGES, _sharing_rows

REFLECTIONS_PER_PAGE = 20
# The newest reflections on an exercise shown under it; the rest are on "My reflections".
REFLECTIONS_ON_EXERCISE = 5


def _language():
    return translation.get_language()


# --- The library: for everyone signed in ----------------------------------------------------------------------
@require_GET
def exercises(request):
    """The published exercises by kind, with the one featured in my community now."""
    language = _language()
    listed = list(access.published_exercises(request.user))
    featured = access.featured_exercise_for(request.user.community_id, day=timezone.localdate())
    groups = []
    for value, label in ExerciseCategory.choices:
        items = [{"pk": e.pk, "title": e.title_in(language), "intro": e.intro_in(language)}
                 for e in listed if e.category == value]
        if items:
            groups.append({"key": value, "label": label, "exercises": items})
    return render(request, "toolbox/exercises.html", {
        "groups": groups, "keeps": access.keeps_exercises(request.user),
        "featured": featured and {"pk": featured.exercise_id, "title": featured.exercise.title_in(language),
                                  "until": featured.featured_until},
    })


def _exercise_context(request, exercise, *, form=None):
    language = _language()
    questions = list(exercise.questions.all())
    context = {
        "exercise": exercise, "title": exercise.title_in(language), "intro": exercise.intro_in(language),
        "body": exercise.body_in(language), "questions": [q.text_in(language) for q in questions],
        "keeps": access.keeps_exercises(request.user), "reflects": access.has_own_toolbox(request.user),
    }
    if context["reflects"]:
        mine = list(access.own_reflections(request.user, exercise=exercise)[:REFLECTIONS_ON_EXERCISE + 1])
        context.update(
            form=form or ReflectionForm(questions=questions, language=language),
            reflections=_reflection_rows(mine[:REFLECTIONS_ON_EXERCISE], language), more_reflections=len(mine) > REFLECTIONS_ON_EXERCISE,
        )
    return context


@require_GET
def exercise(request, exercise_id):
    """An exercise to read (a draft only for the consultant); a service user writes a reflection under it."""
    exercise = access.get_exercise_for(request.user, exercise_id)
    return render(request, "toolbox/exercise.html", _exercise_context(request, exercise))


@require_POST
def reflection_new(request, exercise_id):
    exercise = access.get_exercise_for(request.user, exercise_id)
    access.check_has_own_toolbox(request.user)
    form = ReflectionForm(request.POST, questions=list(exercise.questions.all()), language=_language())
    if form.is_valid():
        try:
            services.save_reflection(owner=request.user, exercise_id=exercise.pk, text=form.cleaned_data["text"],
                                     answers=form.answers())
        except services.ToolboxError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your reflection is saved. Only you can read it, unless you share your "
                                        "reflections."))
            return redirect(reverse("toolbox:exercise", args=[exercise.pk]) + "#my-reflections")
    return render(request, "toolbox/exercise.html", _exercise_context(request, exercise, form=form))


# --- My reflections ---------------------------------------------------------------------------------------------
def _reflection_rows(reflections, language):
    return [{"reflection": r, "exercise_title": r.exercise.title_in(language), "answers": list(r.answers.all())}
            for r in reflections]


@require_GET
def reflections(request):
    """Everything I have written to exercises, newest first, and who may read it."""
    page = Paginator(access.own_reflections(request.user), REFLECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "toolbox/reflections.html", {
        "page": page, "rows": _reflection_rows(page.object_list, _language()),
        "sharing": _sharing_rows(request.user, Module.REFLECTIONS), "module": Module.REFLECTIONS,
    })


@require_http_methods(["GET", "POST"])
def reflection_edit(request, reflection_id):
    reflection = access.own_reflection(request.user, reflection_id)
    language = _language()
    answers = list(reflection.answers.all())
    form = ReflectionForm(request.POST if request.method == "POST" else None, questions=list(
        reflection.exercise.questions.all()), answers=answers, language=language, initial={"text": reflection.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_reflection(owner=request.user, reflection_id=reflection.pk, text=form.cleaned_data["text"],
                                     answers=form.answers(), kept_answers=form.kept_answers())
        except services.ToolboxError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your reflection is saved."))
            return redirect(reverse("toolbox:reflections") + f"#reflection-{reflection.pk}")
    return render(request, "toolbox/reflection_edit.html", {
        "form": form, "reflection": reflection, "exercise_title": reflection.exercise.title_in(language),
    })


@require_http_methods(["GET", "POST"])
def reflection_delete(request, reflection_id):
    """Ask first (a reflection cannot be brought back), then delete."""
    reflection = access.own_reflection(request.user, reflection_id)
    if request.method == "POST":
        services.delete_reflection(owner=request.user, reflection_id=reflection.pk)
        messages.success(request, _("Your reflection is deleted."))
        return redirect("toolbox:reflections")
    return render(request, "toolbox/reflection_delete.html", {
        "row": _reflection_rows([reflection], _language())[0],
    })


@require_GET
def reflections_preview(request):
    """What my provider sees of my reflections: the same template, without an audit row."""
    access.check_has_own_toolbox(request.user)
    page = Paginator(access.own_reflections(request.user), REFLECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "toolbox/reflections_preview.html", {
        "page": page, "rows": _reflection_rows(page.object_list, _language()), "owner": request.user,
        "preview": True,
        "shared_names": [row["name"] for row in _sharing_rows(request.user, Module.REFLECTIONS) if row["shared"]],
    })


@require_GET
def shared_reflections(request, user_id):
    """Shared reflections, read-only. Every view writes an audit row the owner sees (and maybe a notification)."""
    owner = access.get_shared_reflections_owner_for(request.user, user_id)
    services.record_shared_view(provider=request.user, owner=owner, module=Module.REFLECTIONS,
                                obj=services.reflection_book_of(owner))
    page = Paginator(access.reflections_of(owner), REFLECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "toolbox/shared_reflections.html", {
        "page": page, "rows": _reflection_rows(page.object_list, _language()), "owner": owner,
    })


@require_POST
def sharing_notices(request):
    """Turn on or off a notification each time a provider opens something I share."""
    on = request.POST.get("on") == "1"
    services.set_provider_view_notices(owner=request.user, on=on)
    if on:
        messages.success(request, _("From now on you get a notification each time a provider opens something you "
                                    "share."))
    else:
        messages.success(request, _("You no longer get a notification when a provider opens something you share. "
                                    "You can still see it under “Who has seen my data”."))
    module = request.POST.get("module", "")
    back = MODULE_PAGES.get(module) if module in BUILT_MODULES else None
    return redirect(reverse(back) + "#sharing" if back else reverse("toolbox:index"))


# --- Keeping the library: the consultant ----------------------------------------------------------------------
@require_GET
def exercises_keep(request):
    """Every exercise, drafts too, and the featurings on now or to come."""
    today = timezone.localdate()
    language = _language()
    rows = [{"exercise": e, "title": e.title_in(language)} for e in access.exercises_to_keep(request.user)]
    featurings = [{"featuring": f, "title": f.exercise.title_in(language)}
                  for f in access.featurings_to_keep(request.user, today=today)]
    return render(request, "toolbox/exercises_keep.html", {"rows": rows, "featurings": featurings, "today": today})


@require_http_methods(["GET", "POST"])
def exercise_edit(request, exercise_id=None):
    access.check_keeps_exercises(request.user)
    exercise = access.get_exercise_to_keep(request.user, exercise_id) if exercise_id is not None else None
    form = ExerciseForm(request.POST if request.method == "POST" else None, exercise=exercise)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_exercise(by=request.user, exercise_id=exercise and exercise.pk,
                                           **form.exercise_fields())
        except services.ToolboxError as exc:
            form.add_error(None, exc.message)
        else:
            if saved.published:
                messages.success(request, _("The exercise is saved. It is published, so readers see the change."))
            else:
                messages.success(request, _("The exercise is saved as a draft. Only you see it until you publish it."))
            return redirect("toolbox:exercise", saved.pk)
    return render(request, "toolbox/exercise_edit.html", {"form": form, "exercise": exercise})


@require_POST
def exercise_publish(request, exercise_id):
    published = request.POST.get("published") == "1"
    exercise = services.set_exercise_published(by=request.user, exercise_id=exercise_id, published=published)
    if published:
        messages.success(request, _("The exercise is published. Everyone signed in can read it now."))
    else:
        messages.success(request, _("The exercise is back to a draft. Only you see it now."))
    return redirect("toolbox:exercise", exercise.pk)


@require_http_methods(["GET", "POST"])
def exercise_feature(request, exercise_id):
    """Feature an exercise in a community, this month or until its next café."""
    exercise = access.get_exercise_to_keep(request.user, exercise_id)
    form = FeatureExerciseForm(request.POST if request.method == "POST" else None,
                               initial={"featured_from": timezone.localdate(), "until": "cafe"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.feature_exercise(
                by=request.user, exercise_id=exercise.pk, community_id=data["community"],
                featured_from=data["featured_from"], featured_until=data.get("featured_until"),
                until_next_cafe=data["until"] == "cafe",
            )
        except services.ToolboxError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The exercise is featured. Members of the community see it on the front "
                                        "page of their toolbox and on the café page."))
            return redirect("toolbox:exercises_keep")
    return render(request, "toolbox/exercise_feature.html", {
        "form": form, "exercise": exercise, "title": exercise.title_in(_language()),
    })


@require_POST
def featuring_end(request, featuring_id):
    services.end_featuring(by=request.user, featuring_id=featuring_id)
    messages.success(request, _("The exercise is no longer featured."))
    return redirect("toolbox:exercises_keep")
