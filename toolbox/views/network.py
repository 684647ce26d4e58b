"""The network map: the people in my life in three circles of closeness, drawn as a picture and listed in words.

Every page works without JavaScript: moving someone is a small form per person; adding and changing are forms.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from toolbox import access, services
from toolbox.forms import NetworkPersonForm
from toolbox.models import Module, NetworkPerson
from toolbox.network_map import layout
from toolbox.views import _sharing_rows


def network_context(owner):
    """The map's picture and the same people grouped by circle (for the list under it)."""
    people = list(access.own_network_people(owner))
    circles = [
        {"number": value, "label": label, "people": [p for p in people if p.circle == value]}
        for value, label in NetworkPerson.Circle.choices
    ]
    return {"map": layout(people), "circles": circles, "people_count": len(people)}


@require_GET
def network(request):
    """My network map, the list of the same people with a way to move each, and who may see it."""
    access.check_has_own_toolbox(request.user)
    return render(request, "toolbox/network.html", {
        **network_context(request.user), "title_id": "network-map",
        "sharing": _sharing_rows(request.user, Module.NETWORK), "module": Module.NETWORK,
    })


@require_http_methods(["GET", "POST"])
def person_edit(request, person_id=None):
    access.check_has_own_toolbox(request.user)
    person = access.own_network_person(request.user, person_id) if person_id is not None else None
    if person is not None:
        initial = {"name": person.name, "relation": person.relation, "circle": str(person.circle),
                   "notes": person.notes}
    else:
        circle = request.GET.get("circle", "")[:1]
        initial = {"circle": circle if circle in ("1", "2", "3") else "2"}
    form = NetworkPersonForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_network_person(owner=request.user, person_id=person and person.pk,
                                                 **form.cleaned_data)
        except services.ToolboxError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(name)s is in your network map.") % {"name": saved.name})
            return redirect(reverse("toolbox:network") + f"#person-{saved.pk}")
    return render(request, "toolbox/network_person_edit.html", {"form": form, "person": person})


@require_POST
def person_move(request, person_id):
    """Move someone to another circle (the button sends the circle to move to)."""
    person = access.own_network_person(request.user, person_id)
    try:
        moved = services.move_network_person(owner=request.user, person_id=person.pk, circle=request.POST.get("circle"))
    except services.ToolboxError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is now in circle %(circle)s: %(label)s.") % {
            "name": moved.name, "circle": moved.circle, "label": moved.get_circle_display().lower()})
    return redirect(reverse("toolbox:network") + f"#person-{person.pk}")


@require_POST
def person_delete(request, person_id):
    person = access.own_network_person(request.user, person_id)
    services.delete_network_person(owner=request.user, person_id=person.pk)
    messages.success(request, _("%(name)s is no longer in your network map.") % {"name": person.name})
    return redirect("toolbox:network")


@require_GET
def network_preview(request):
    """What my provider sees of my network map: the same template, without an audit row."""
    access.check_has_own_toolbox(request.user)
    return render(request, "toolbox/network_preview.html", {
        **network_context(request.user), "title_id": "network-map", "owner": request.user, "preview": True,
        "shared_names": [row["name"] for row in _sharing_rows(request.user, Module.NETWORK) if row["shared"]],
    })


@require_GET
def shared_network(request, user_id):
    """A shared network map, read-only. Every view writes an audit row the owner sees."""
    owner = access.get_shared_network_owner_for(request.user, user_id)
    services.record_shared_view(provider=request.user, owner=owner, module=Module.NETWORK,
                                obj=services.network_map_of(owner))
    return render(request, "toolbox/shared_network.html", {
        **network_context(owner), "title_id": "network-map", "owner": owner,
    })
