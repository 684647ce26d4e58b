"""Café pages. Thin: access → form → service → redirect. Every page works without JavaScript."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cafes import access, calendar, services
from cafes.forms import CafeForm, CancelForm, RsvpForm
from cafes.models import Rsvp

CAFES_PER_PAGE = 25


def cafe_reader(view):
    """Service users, the consultant and admins; anyone else (providers) gets 404, as if there were no cafés."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access.check_can_see_cafes(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def cafe_manager(view):
    """The consultant and admins; anyone else gets 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access.check_can_manage_cafes(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def _listed(request, *, other_communities):
    cafes = access.cafes_listed_for(request.user, other_communities=other_communities)
    return access.with_own_answer(cafes.select_related("community", "host"), request.user)


# --- Lists --------------------------------------------------------------------------------------------
@require_GET
@cafe_reader
def index(request):
    """Upcoming cafés of my community, soonest first; open cafés of other communities when asked for."""
    user = request.user
    others = request.GET.get("others") == "1" and not access.can_manage_cafes(user)
    upcoming = _listed(request, other_communities=others).filter(ends_at__gt=timezone.now()).order_by("starts_at", "pk")
    page = Paginator(upcoming, CAFES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cafes/index.html", {
        "page": page, "cafes": page.object_list, "others": others,
        "can_manage": access.can_manage_cafes(user), "can_answer": access.can_answer(user),
    })


@require_GET
@cafe_reader
def past(request):
    """Cafés that have ended, newest first (the same communities as the list)."""
    others = request.GET.get("others") == "1" and not access.can_manage_cafes(request.user)
    ended = _listed(request, other_communities=others).filter(ends_at__lte=timezone.now()).order_by("-starts_at", "-pk")
    page = Paginator(ended, CAFES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cafes/past.html", {
        "page": page, "cafes": page.object_list, "others": others, "can_manage": access.can_manage_cafes(request.user),
    })


# --- A café -------------------------------------------------------------------------------------------
def _answer_groups(user, cafe):
    """The consultant's list: who has a place, who waits (in order), maybe and can't come, by pseudonym."""
    groups = {"going": [], "waiting": [], "maybe": [], "cant": []}
    for rsvp in access.all_answers(user, cafe):
        if rsvp.answer == Rsvp.Answer.GOING:
            groups["waiting" if rsvp.is_waitlisted else "going"].append(rsvp)
        else:
            groups[rsvp.answer].append(rsvp)
    groups["waiting"].sort(key=lambda r: (r.waitlisted_at, r.pk))
    return groups


def _detail_context(request, cafe, *, form=None):
    user = request.user
    mine = access.own_rsvp(user, cafe)
    can_manage = access.can_manage_cafes(user)
    if form is None:
        form = RsvpForm(initial={"answer": mine.answer, "show_me": mine.show_me} if mine else {"show_me": False})
    return {
        "cafe": cafe,
        "my_rsvp": mine,
        "waitlist_position": access.waitlist_position(mine),
        "attendees": access.attendees_shown_to_peers(cafe),
        "form": form,
        "can_answer": access.can_answer(user),
        "accepts_answers": cafe.accepts_answers(),
        "is_visitor": user.community_id is not None and cafe.community_id != user.community_id,
        "can_manage": can_manage,
        "answers": _answer_groups(user, cafe) if can_manage else None,
    }


@require_GET
@cafe_reader
def detail(request, cafe_id):
    cafe = access.get_cafe_for(request.user, cafe_id)
    return render(request, "cafes/detail.html", _detail_context(request, cafe))


@require_POST
@cafe_reader
def answer(request, cafe_id):
    """Going, maybe or can't come, with the "show me" choice; changeable until the café starts."""
    cafe = access.get_cafe_for(request.user, cafe_id)
    if not access.can_answer(request.user):
        return redirect(cafe.get_absolute_url())
    form = RsvpForm(request.POST)
    if form.is_valid():
        try:
            rsvp = services.rsvp(user=request.user, cafe=cafe, answer=form.cleaned_data["answer"],
                                 show_me=form.cleaned_data["show_me"])
        except services.CafeError as exc:
            form.add_error(None, exc.message)
        else:
            if rsvp.is_waitlisted:
                messages.info(request, _("All places are taken, so you are on the waitlist. If a place becomes "
                                         "free, it is yours, and we will tell you."))
            elif rsvp.answer == Rsvp.Answer.GOING:
                messages.success(request, _("You're going. It will be good to see you!"))
            else:
                messages.success(request, _("Thank you, your answer is saved. You can change it until the café "
                                            "starts."))
            return redirect(f"{cafe.get_absolute_url()}#my-answer")
    return render(request, "cafes/detail.html", _detail_context(request, cafe, form=form))


@require_GET
@cafe_reader
def ics(request, cafe_id):
    """The café as a calendar file: its time, place and link, and no names of other people."""
    cafe = access.get_cafe_for(request.user, cafe_id)
    response = HttpResponse(calendar.cafe_ics(cafe), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reconnect-cafe-{cafe.pk}.ics"'
    response["Cache-Control"] = "no-store, private"
    return response


# --- The consultant's pages ---------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@cafe_manager
def create(request):
    form = CafeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cafe = services.create_cafe(by=request.user, **form.service_fields())
        except services.CafeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The café is planned. Members of the community can see it now."))
            return redirect(cafe.get_absolute_url())
    return render(request, "cafes/form.html", {"form": form, "cafe": None})


@require_http_methods(["GET", "POST"])
@cafe_manager
def edit(request, cafe_id):
    cafe = access.get_cafe_to_manage(request.user, cafe_id)
    if not cafe.accepts_answers():
        messages.info(request, _("This café has started or been cancelled, so it can no longer be changed."))
        return redirect(cafe.get_absolute_url())
    form = CafeForm(request.POST if request.method == "POST" else None, cafe=cafe)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_cafe(cafe=cafe, by=request.user, **form.service_fields())
        except services.CafeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The café is saved. If the time or place changed, everyone who answered "
                                        "has been told."))
            return redirect(cafe.get_absolute_url())
    return render(request, "cafes/form.html", {"form": form, "cafe": cafe})


@require_http_methods(["GET", "POST"])
@cafe_manager
def cancel(request, cafe_id):
    """GET asks to confirm; POST cancels and tells everyone who answered."""
    cafe = access.get_cafe_to_manage(request.user, cafe_id)
    if not cafe.accepts_answers():
        messages.info(request, _("This café has started or been cancelled already."))
        return redirect(cafe.get_absolute_url())
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_cafe(cafe=cafe, by=request.user)
        except services.CafeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The café is cancelled, and everyone who answered has been told."))
            return redirect(cafe.get_absolute_url())
    return render(request, "cafes/cancel.html", {"form": form, "cafe": cafe})

