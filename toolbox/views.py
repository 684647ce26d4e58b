"""Toolbox pages. Thin: access → form → service → redirect. Every page works without JavaScript.

A service user's own pages answer 404 to every other role. A provider's pages (people/<id>/...) answer 404
unless the provider has an active care link to that person AND the module is shared with them; each view of
shared content writes an audit row the owner sees (the one kind of GET that writes, on purpose).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from toolbox import access, services
from toolbox.forms import CrisisPlanForm
from toolbox.models import BUILT_MODULES, CrisisContact, Module

# Where each module's own page is, for the sharing form to come back to.
MODULE_PAGES = {Module.CRISIS_PLAN: "toolbox:crisis_plan"}


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
    return render(request, "toolbox/index.html", {"plan": plan, "shared_with": shared_with})


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

