"""Toolbox pages. Thin: access → form → service → redirect. Every page works without JavaScript.

A service user's own pages answer 404 to every other role. A provider's pages (people/<id>/...) answer 404
unless the provider has an active care link to that person AND the module is shared with them; each view of
shared content writes an audit row the owner sees (the one kind of GET that writes, on purpose).
"""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from toolbox import access, services
from toolbox.forms import ActivityDoneForm, ActivityForm, CrisisPlanForm, GoalForm, LocalLinkForm
from toolbox.models import BUILT_MODULES, CrisisContact, Module

# Where each module's own page is, for the sharing form to come back to.
MODULE_PAGES = {Module.CRISIS_PLAN: "toolbox:crisis_plan", Module.GOALS: "toolbox:goals"}
# Exercise reflections (toolbox/views/exercises.py).
MODULE_PAGES[Module.REFLECTIONS] = "toolbox:reflections"
# Network map and medication overview (toolbox/views/network.py, medication.py).
MODULE_PAGES[Module.NETWORK] = "toolbox:network"
MODULE_PAGES[Module.MEDICATION] = "toolbox:medication"


def _plan_context(plan):
    contacts = list(plan.contacts.all()) if plan is not None else []
    return {
        "plan": plan,
        "people": [c for c in contacts if c.step == CrisisContact.Step.PERSON],
        "professionals": [c for c in contacts if c.step == CrisisContact.Step.PROFESSIONAL],
    }


# --- The service user's own toolbox ---------------------------------------------------------------------
@require_GET
def index(request):
    """The toolbox's front page: the modules there are, and who sees what."""
    access.check_has_own_toolbox(request.user)
    plan = access.own_crisis_plan(request.user)
    shared_with = len(access.shared_provider_ids(request.user, Module.CRISIS_PLAN))
    start, end = _week_bounds(_week_start(None))
    return render(request, "toolbox/index.html", {
        "plan": plan, "shared_with": shared_with, "goal_count": access.own_goals(request.user).count(),
        "week_count": access.activities_between(request.user, start, end).count(),
        "goals_shared_with": len(access.shared_provider_ids(request.user, Module.GOALS)),
        # Exercises: the one featured in my community now, and my reflections (toolbox/views/exercises.py).
        "featured": access.featured_exercise_for(request.user.community_id, day=timezone.localdate()),
        "reflection_count": access.own_reflections(request.user).count(),
        "reflections_shared_with": len(access.shared_provider_ids(request.user, Module.REFLECTIONS)),
        # Network map and medication overview (toolbox/views/network.py, medication.py).
        "network_count": access.own_network_people(request.user).count(),
        "network_shared_with": len(access.shared_provider_ids(request.user, Module.NETWORK)),
        "medication_count": access.own_medications(request.user).count(),
        "medication_shared_with": len(access.shared_provider_ids(request.user, Module.MEDICATION)),
    })


def _sharing_rows(owner, module):
    shared = access.shared_provider_ids(owner, module)
    return [
        {"provider": provider, "name": provider.real_name or provider.pseudonym, "shared": provider.pk in shared}
        for provider in access.linked_providers_of(owner)
    ]


@require_GET
def crisis_plan(request):
    """My crisis plan as it reads, with who may see it; the way to write it when there is none yet."""
    plan = access.own_crisis_plan(request.user)
    return render(request, "toolbox/crisis_plan.html", {
        **_plan_context(plan), "sharing": _sharing_rows(request.user, Module.CRISIS_PLAN),
        "module": Module.CRISIS_PLAN,
    })


@require_http_methods(["GET", "POST"])
def crisis_plan_edit(request):
    plan = access.own_crisis_plan(request.user)
    form = CrisisPlanForm(request.POST if request.method == "POST" else None, plan=plan)
    add = request.POST.get("add", "")[:40] if request.method == "POST" else ""
    if request.method == "POST" and form.is_valid():
        try:
            services.save_crisis_plan(
                owner=request.user, texts=form.texts(), people=form.contacts(CrisisContact.Step.PERSON),
                professionals=form.contacts(CrisisContact.Step.PROFESSIONAL), add_suggestion=add or None,
            )
        except services.ToolboxError as exc:
            form.add_error(None, exc.message)
        else:
            if add.startswith("network:"):  # someone from my network map, into step 4
                messages.success(request, _("Added to step 4, and the rest of your plan is saved. "
                                            "You can add a phone number or change the name."))
                return redirect(request.path + "#step-4")
            if add:
                messages.success(request, _("Added to step 5, and the rest of your plan is saved. "
                                            "You can add a phone number or change the name."))
                return redirect(request.path + "#step-5")
            messages.success(request, _("Your crisis plan is saved."))
            return redirect("toolbox:crisis_plan")
    return render(request, "toolbox/crisis_plan_edit.html", {
        "form": form, "plan": plan, "suggestions": services.crisis_plan_suggestions(owner=request.user),
        "people_rows": form.contact_rows(CrisisContact.Step.PERSON),
        "professional_rows": form.contact_rows(CrisisContact.Step.PROFESSIONAL),
        "network_suggestions": services.network_crisis_suggestions(owner=request.user),
    })


@require_GET
def crisis_plan_print(request):
    """The plan alone, laid out for paper (see the print rules in reconnect.css)."""
    plan = access.own_crisis_plan(request.user)
    return render(request, "toolbox/crisis_plan_print.html", _plan_context(plan))


@require_GET
def crisis_plan_preview(request):
    """What my provider sees: the provider's own page, drawn from the same template, without an audit row."""
    plan = access.own_crisis_plan(request.user)
    return render(request, "toolbox/crisis_plan_preview.html", {
        **_plan_context(plan), "owner": request.user, "preview": True,
        "shared_names": [row["name"] for row in _sharing_rows(request.user, Module.CRISIS_PLAN) if row["shared"]],
    })


@require_POST
def share(request, module):
    """Share one module with one provider in my care team, or stop sharing it."""
    access.check_has_own_toolbox(request.user)
    if module not in BUILT_MODULES:
        raise Http404
    shared = request.POST.get("shared") == "1"
    try:
        changed = services.set_share(
            owner=request.user, provider_id=request.POST.get("provider"), module=module, shared=shared,
        )
    except services.ToolboxError as exc:
        messages.error(request, exc.message)
    else:
        if changed and shared:
            messages.success(request, _("Shared. This provider can now read it, and each time they do, "
                                        "you will see it under “Who has seen my data”."))
        elif changed:
            messages.success(request, _("You have stopped sharing it. From now on this provider cannot open it."))
        else:
            messages.info(request, _("Nothing changed: it was already as you chose."))
    return redirect(MODULE_PAGES[module])


# --- A provider's view of what a person in their care shares ---------------------------------------------
@require_GET
def person(request, user_id):
    """The parts of their toolbox a person in my care shares with me (and nothing about the rest)."""
    owner = access.get_person_in_care_for(request.user, user_id)
    return render(request, "toolbox/person.html", {
        "owner": owner, "modules": access.modules_shared_with(request.user, owner),
    })


@require_GET
def shared_crisis_plan(request, user_id):
    """A shared crisis plan, read-only. Every view writes an audit row the owner sees."""
    plan = access.get_shared_crisis_plan_for(request.user, user_id)
    services.record_shared_view(provider=request.user, owner=plan.owner, module=Module.CRISIS_PLAN, obj=plan)
    return render(request, "toolbox/shared_crisis_plan.html", {**_plan_context(plan), "owner": plan.owner})



# --- Goals and activities -------------------------------------------------------------------------------
def _week_start(value):
    """The Monday of the week holding the date `value` (YYYY-MM-DD); this week for anything else."""
    try:
        day = date.fromisoformat((value or "")[:10])
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


def _week_bounds(monday):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(monday, time.min), tz)
    end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min), tz)
    return start, end


def _week_days(owner, monday):
    start, end = _week_bounds(monday)
    activities = list(access.activities_between(owner, start, end))
    days = []
    for n in range(7):
        day = monday + timedelta(days=n)
        days.append({"day": day, "activities": [a for a in activities if timezone.localdate(a.starts_at) == day]})
    return days, activities


def _goals_context(owner):
    goals = list(access.goals_with_progress(owner))
    monday = _week_start(None)
    days, activities = _week_days(owner, monday)
    return {"goals": goals, "days": days, "week_activities": activities, "monday": monday,
            "today": timezone.localdate()}


@require_GET
def goals(request):
    """My goals, each with its progress, and who may see them."""
    goals = list(access.own_goals(request.user))
    return render(request, "toolbox/goals.html", {
        "goals": goals, "sharing": _sharing_rows(request.user, Module.GOALS), "module": Module.GOALS,
    })


@require_http_methods(["GET", "POST"])
def goal_edit(request, goal_id=None):
    goal = access.own_goal(request.user, goal_id) if goal_id is not None else None
    access.check_has_own_toolbox(request.user)
    initial = {}
    if goal is not None:
        initial = {"domain": goal.domain, "title": goal.title, "why": goal.why, "steps": goal.steps,
                   "status": goal.status, "target_date": goal.target_date}
    form = GoalForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_goal(owner=request.user, goal_id=goal.pk if goal else None, **form.cleaned_data)
        except services.ToolboxError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your goal is saved."))
            return redirect("toolbox:goals")
    return render(request, "toolbox/goal_edit.html", {"form": form, "goal": goal})


@require_GET
def week(request):
    """The activities I have planned this week (or the week of ?week=YYYY-MM-DD), day by day."""
    access.check_has_own_toolbox(request.user)
    monday = _week_start(request.GET.get("week"))
    days, activities = _week_days(request.user, monday)
    return render(request, "toolbox/week.html", {
        "days": days, "monday": monday, "sunday": monday + timedelta(days=6), "count": len(activities),
        "previous": monday - timedelta(days=7), "next": monday + timedelta(days=7),
        "this_week": _week_start(None), "today": timezone.localdate(),
    })


@require_http_methods(["GET", "POST"])
def activity_edit(request, activity_id=None):
    access.check_has_own_toolbox(request.user)
    activity = access.own_activity(request.user, activity_id) if activity_id is not None else None
    goals = access.own_goals(request.user).only("pk", "title")
    initial = {"goal": request.GET.get("goal", "")[:20], "day": request.GET.get("day", "")[:10] or None}
    if activity is not None:
        starts, ends = timezone.localtime(activity.starts_at), activity.ends_at and timezone.localtime(activity.ends_at)
        minutes = int((activity.starts_at - activity.remind_at).total_seconds() // 60) if activity.remind_at else ""
        initial = {"title": activity.title, "day": starts.date(), "start": starts.time(), "end": ends and ends.time(),
                   "goal": str(activity.goal_id or ""), "remind": str(minutes),
                   "remind_by_email": activity.remind_by_email}
    form = ActivityForm(request.POST if request.method == "POST" else None, initial=initial, goals=goals)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_activity(owner=request.user, activity_id=activity and activity.pk,
                                           **form.activity_fields())
        except services.ToolboxError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your activity is planned."))
            return redirect(reverse("toolbox:week") + f"?week={timezone.localdate(saved.starts_at).isoformat()}")
    return render(request, "toolbox/activity_edit.html", {"form": form, "activity": activity})


@require_http_methods(["GET", "POST"])
def activity_done(request, activity_id):
    """Mark an activity done, with a note on how it went if I want one (or say it did not happen after all)."""
    activity = access.own_activity(request.user, activity_id)
    form = ActivityDoneForm(request.POST if request.method == "POST" else None, initial={"note": activity.note})
    if request.method == "POST" and form.is_valid():
        done = request.POST.get("done", "1") != "0"
        services.mark_activity_done(owner=request.user, activity_id=activity.pk, done=done,
                                    note=form.cleaned_data["note"])
        messages.success(request, _("Well done. It is marked as done.") if done else _("It is no longer marked as done."))
        return redirect(reverse("toolbox:week") + f"?week={timezone.localdate(activity.starts_at).isoformat()}")
    return render(request, "toolbox/activity_done.html", {"form": form, "activity": activity})


@require_POST
def activity_delete(request, activity_id):
    activity = access.own_activity(request.user, activity_id)
    services.delete_activity(owner=request.user, activity_id=activity.pk)
    messages.success(request, _("The activity is removed from your week."))
    return redirect(reverse("toolbox:week") + f"?week={timezone.localdate(activity.starts_at).isoformat()}")


@require_GET
def goals_preview(request):
    """What my provider sees of my goals and activities: the same template, without an audit row."""
    access.check_has_own_toolbox(request.user)
    return render(request, "toolbox/goals_preview.html", {
        **_goals_context(request.user), "owner": request.user, "preview": True,
        "shared_names": [row["name"] for row in _sharing_rows(request.user, Module.GOALS) if row["shared"]],
    })


@require_GET
def shared_goals(request, user_id):
    """Shared goals and this week's activities, read-only. Every view writes an audit row the owner sees."""
    owner = access.get_shared_goals_owner_for(request.user, user_id)
    services.record_shared_view(provider=request.user, owner=owner, module=Module.GOALS,
                                obj=services.goal_book_of(owner))
    return render(request, "toolbox/shared_goals.html", {**_goals_context(owner), "owner": owner})


# --- Information pages: for everyone signed in, in the reader's language ------------------------------------
@require_GET
def info_pages(request):
    language = translation.get_language()
    pages = [{"slug": p.slug, "title": p.title_in(language)} for p in access.published_info_pages(request.user)]
    return render(request, "toolbox/info_pages.html", {"pages": pages})


@require_GET
def info_page(request, slug):
    page = access.get_info_page(request.user, slug)
    language = translation.get_language()
    return render(request, "toolbox/info_page.html", {
        "page": page, "title": page.title_in(language), "body": page.body_in(language),
    })


# --- Local links: a service user's own community's; the consultant keeps them ---------------------------------
@require_GET
def local_links(request):
    links = list(access.visible_local_links(request.user))
    groups = {}
    for link in links:
        key = (link.community.name, link.get_category_display()) if access.is_consultant(request.user) \
            else (None, link.get_category_display())
        groups.setdefault(key, []).append(link)
    return render(request, "toolbox/local_links.html", {
        "groups": [{"community": c, "category": k, "links": v} for (c, k), v in groups.items()],
        "keeps": access.is_consultant(request.user),
    })


@require_http_methods(["GET", "POST"])
def local_link_edit(request, link_id=None):
    access.check_keeps_local_links(request.user)
    link = access.get_local_link_to_keep(request.user, link_id) if link_id is not None else None
    form = LocalLinkForm(request.POST if request.method == "POST" else None, link=link)
    if request.method == "POST" and form.is_valid():
        try:
            fields = dict(form.cleaned_data)
            services.save_local_link(by=request.user, link_id=link and link.pk,
                                     community_id=fields.pop("community"), **fields)
        except services.ToolboxError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The link is saved."))
            return redirect("toolbox:local_links")
    return render(request, "toolbox/local_link_edit.html", {"form": form, "link": link})


@require_POST
def local_link_delete(request, link_id):
    services.delete_local_link(by=request.user, link_id=link_id)
    messages.success(request, _("The link is removed."))
    return redirect("toolbox:local_links")
