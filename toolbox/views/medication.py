"""The medication overview: the medicines I take now and those I took earlier, printable, shared on purpose."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from toolbox import access, services
from toolbox.forms import MedicationForm
from toolbox.models import Module
from toolbox.views import _sharing_rows

FIELDS = ("trade_name", "active_ingredient", "strength", "form", "schedule", "purpose", "prescriber", "started_on",
          "ended_on", "side_effects", "notes")


def medication_context(owner):
    """Current (not stopped, or stopping after today) and earlier medicines; the earlier ones last stopped first."""
    today = timezone.localdate()
    medications = list(access.own_medications(owner))
    current = [m for m in medications if m.is_current(today)]
    earlier = sorted((m for m in medications if not m.is_current(today)), key=lambda m: (m.ended_on, m.pk),
                     reverse=True)
    return {"current": current, "earlier": earlier, "today": today}


@require_GET
def medication(request):
    access.check_has_own_toolbox(request.user)
    return render(request, "toolbox/medication.html", {
        **medication_context(request.user), "sharing": _sharing_rows(request.user, Module.MEDICATION),
        "module": Module.MEDICATION,
    })


@require_http_methods(["GET", "POST"])
def medication_edit(request, medication_id=None):
    access.check_has_own_toolbox(request.user)
    item = access.own_medication(request.user, medication_id) if medication_id is not None else None
    initial = {name: getattr(item, name) for name in FIELDS} if item is not None else {}
    form = MedicationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_medication(owner=request.user, medication_id=item and item.pk, **form.medication_fields())
        except services.ToolboxError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your medication overview is saved."))
            return redirect("toolbox:medication")
    return render(request, "toolbox/medication_edit.html", {"form": form, "item": item})


@require_POST
def medication_stop(request, medication_id):
    """I stopped taking it (today): it moves to the earlier list."""
    item = access.own_medication(request.user, medication_id)
    try:
        services.stop_medication(owner=request.user, medication_id=item.pk)
    except services.ToolboxError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is now under “Earlier medicines”, stopped today. You can change the "
                                    "date if it was another day.") % {"name": item.display_name})
    return redirect("toolbox:medication")


@require_POST
def medication_delete(request, medication_id):
    item = access.own_medication(request.user, medication_id)
    services.delete_medication(owner=request.user, medication_id=item.pk)
    messages.success(request, _("%(name)s is removed from your overview.") % {"name": item.display_name})
    return redirect("toolbox:medication")


@require_GET
def medication_print(request):
    """The overview alone, laid out for paper (the same print rules as the crisis plan)."""
    access.check_has_own_toolbox(request.user)
    return render(request, "toolbox/medication_print.html", medication_context(request.user))


@require_GET
def medication_preview(request):
    """What my provider sees of my medication overview: the same template, without an audit row."""
    access.check_has_own_toolbox(request.user)
    return render(request, "toolbox/medication_preview.html", {
        **medication_context(request.user), "owner": request.user, "preview": True,
        "shared_names": [row["name"] for row in _sharing_rows(request.user, Module.MEDICATION) if row["shared"]],
    })


@require_GET
def shared_medication(request, user_id):
    """A shared medication overview, read-only. Every view writes an audit row the owner sees."""
    owner = access.get_shared_medication_owner_for(request.user, user_id)
    services.record_shared_view(provider=request.user, owner=owner, module=Module.MEDICATION,
                                obj=services.medication_list_of(owner))
    return render(request, "toolbox/shared_medication.html", {**medication_context(owner), "owner": owner})
