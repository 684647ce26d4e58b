"""Café pages. Thin: access → form → service → redirect. Every page works without JavaScript."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cafes import access, calendar, services
from cafes.forms import (
    AttendanceForm, CafeForm, CancelForm, CompanionRequestForm, FeedbackForm, ForumThreadForm, MatchMessageForm,
    ReminderSettingsForm, RsvpForm, SeriesForm, SharePhoneForm, StopSeriesForm,
)
from cafes.models import Rsvp
from reconnect.access import page_for
from reconnect.userinput import within_rate_limit

CAFES_PER_PAGE = 25


# Service users, the consultant and admins; anyone else (providers) gets 404, as if there were no cafés.
cafe_reader = page_for(access.check_can_see_cafes)


# The consultant and admins; anyone else gets 404.
cafe_manager = page_for(access.check_can_manage_cafes)


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
        "feedback": access.feedback_for(user, cafe),
        "can_leave_feedback": access.can_leave_feedback(user, cafe),
        "forum_thread": access.forum_thread_for(user, cafe),
        "exercise_before": _exercise_before(cafe),
    }


def _exercise_before(cafe):
    """The exercise the consultant features in the café's community now, for a café still to come (or None)."""
    from toolbox import access as toolbox_access

    if cafe.ends_at <= timezone.now() or cafe.status != cafe.Status.PLANNED:
        return None
    featured = toolbox_access.featured_exercise_for(cafe.community_id, day=timezone.localdate())
    return featured.exercise if featured else None


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



# --- Recurring series (the consultant's pages) --------------------------------------------------------
@require_GET
@cafe_manager
def series_list(request):
    """Every recurring café: its rule, community and next café; stopped ones after the active ones."""
    series = access.series_for(request.user).order_by("-active", "community__name", "title", "pk")
    page = Paginator(series, CAFES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cafes/series_list.html", {"page": page, "series_page": page.object_list})


@require_http_methods(["GET", "POST"])
@cafe_manager
def series_create(request):
    form = SeriesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.create_series(by=request.user, **form.service_fields())
        except services.CafeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The series is started, and its cafés for the coming weeks are planned. "
                                        "You can change or cancel each café on its own page."))
            return redirect("cafes:series_edit", series_id=series.pk)
    return render(request, "cafes/series_form.html", {"form": form, "series": None})


@require_http_methods(["GET", "POST"])
@cafe_manager
def series_edit(request, series_id):
    """The series: its planned cafés (each changed on its own page) and, while it runs, the form."""
    series = access.get_series_to_manage(request.user, series_id)
    form = SeriesForm(request.POST if request.method == "POST" else None, series=series) if series.active else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.update_series(series=series, by=request.user, **form.service_fields())
        except services.CafeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The series is saved. Cafés planned from now on follow it; cafés already "
                                        "planned stay as they are."))
            return redirect("cafes:series_edit", series_id=series.pk)
    cafes = access.planned_cafes_of(series).select_related("community", "host")
    return render(request, "cafes/series_form.html", {"form": form, "series": series, "cafes": cafes})


@require_http_methods(["GET", "POST"])
@cafe_manager
def series_stop(request, series_id):
    series = access.get_series_to_manage(request.user, series_id)
    form = StopSeriesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        cancelled = services.stop_series(series=series, by=request.user,
                                         cancel_planned=form.cleaned_data["cancel_planned"])
        if cancelled:
            messages.success(request, _("The series is stopped, and its planned cafés are cancelled. Everyone who "
                                        "answered has been told."))
        else:
            messages.success(request, _("The series is stopped. No more cafés will be planned from it."))
        return redirect("cafes:series_edit", series_id=series.pk)
    planned = access.planned_cafes_of(series).filter(status="planned").count()
    return render(request, "cafes/series_stop.html", {"form": form, "series": series, "planned": planned})


# --- My reminders -------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@cafe_reader
def reminders(request):
    """When I want café reminders, and whether by e-mail too. For members who answer; others have no page."""
    user = request.user
    if not access.can_answer(user):
        raise Http404
    current = access.reminder_settings_of(user)
    form = ReminderSettingsForm(request.POST if request.method == "POST" else None, initial={
        "early_hours": current.early_hours, "late_hours": current.late_hours, "remind_maybe": current.remind_maybe,
        "by_email": services.REMINDER_NOTIFICATION_KIND in user.email_notification_kinds,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.set_reminder_settings(user=user, **form.cleaned_data)
        except services.CafeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your reminder settings are saved."))
            return redirect("cafes:reminders")
    return render(request, "cafes/reminders.html", {"form": form})


# --- My private calendar feed -------------------------------------------------------------------------
FEED_REQUESTS_PER_MINUTE = 20


def _calendar_page(request, *, token=None):
    feed_url = settings.SITE_URL + reverse("cafes:feed", args=[token]) if token else None
    return render(request, "cafes/calendar.html", {
        "has_link": token is not None or access.has_feed_link(request.user),
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else None,
    })


@require_GET
@cafe_reader
def calendar_page(request):
    """About the private feed: whether I have a link, and buttons to make a new one or turn it off."""
    return _calendar_page(request)


@require_POST
@cafe_reader
def calendar_new(request):
    """Make a new feed link (the old one stops working) and show it, this once: only its hash is kept."""
    token = services.make_feed_link(user=request.user)
    return _calendar_page(request, token=token)


@require_POST
@cafe_reader
def calendar_off(request):
    if services.revoke_feed_link(user=request.user):
        messages.success(request, _("Your calendar link is turned off. Calendars that used it get no more cafés."))
    return redirect("cafes:calendar")


@login_not_required
@require_GET
def feed(request, token):
    """The private feed a calendar app fetches, without signing in: the link itself is the permission.

    Unknown, tampered and revoked links all answer 404, with nothing said about why. The answer holds only the
    cafés its owner is going to, with no names of people; it reads two rows and writes nothing, and each link
    is limited to FEED_REQUESTS_PER_MINUTE so a runaway client cannot hammer the site.
    """
    owner = access.feed_owner(token)
    if not within_rate_limit(scope="cafes-feed", user=owner, limit=FEED_REQUESTS_PER_MINUTE):
        response = HttpResponse(status=429)
        response["Retry-After"] = "60"
        return response
    response = HttpResponse(calendar.feed_ics(access.cafes_in_feed(owner)), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- Getting there together ---------------------------------------------------------------------------
def _together_context(request, cafe, *, form=None):
    user = request.user
    mine = access.own_requests(user, cafe)
    rsvp = access.own_rsvp(user, cafe)
    return {
        "cafe": cafe,
        "my_rsvp": rsvp,
        "can_ask": rsvp is not None and rsvp.answer in (Rsvp.Answer.GOING, Rsvp.Answer.MAYBE)
        and cafe.accepts_answers(),
        "form": form or CompanionRequestForm(),
        "suggestions": access.suggestions_for(user, cafe, mine),
        "matches": list(access.matches_of(user, cafe)),
    }


@require_http_methods(["GET", "POST"])
@cafe_reader
def together(request, cafe_id):
    """My requests for company or a ride to this café, suggestions, and my matches; POST adds a request."""
    cafe = access.get_cafe_for(request.user, cafe_id)
    if not access.can_answer(request.user) or request.user.community_id != cafe.community_id:
        raise Http404
    form = CompanionRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_or_offer(user=request.user, cafe=cafe, kind=form.cleaned_data["kind"],
                                  note=form.cleaned_data["note"])
        except services.CafeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved. Only people going to this café who can help see it, by your "
                                        "pseudonym, and the service user consultant."))
            return redirect("cafes:together", cafe.pk)
    return render(request, "cafes/together.html", _together_context(request, cafe, form=form))


@require_POST
@cafe_reader
def together_withdraw(request, request_id):
    own = access.get_own_request(request.user, request_id)
    services.withdraw_request(user=request.user, request=own)
    messages.success(request, _("Your request is withdrawn."))
    return redirect("cafes:together", own.cafe_id)


@require_POST
@cafe_reader
def together_propose(request, request_id):
    """Propose to get there together with the person behind request `other` (POST), from my request."""
    own = access.get_own_request(request.user, request_id)
    other = access.get_open_request_for_cafe(request.user, own.cafe, request.POST.get("other"))
    try:
        match = services.propose_match(user=request.user, own_request=own, other_request=other)
    except services.CafeError as exc:
        messages.error(request, exc.message)
        return redirect("cafes:together", own.cafe_id)
    messages.success(request, _("Your proposal is sent. We will tell you when they answer."))
    return redirect(match.get_absolute_url())


def _match_context(request, match, *, form=None, phone_form=None):
    user = request.user
    other_request = match.offered if match.wanted.user_id == user.pk else match.wanted
    my_phone, their_phone = access.phone_numbers(user, match)
    return {
        "my_phone": my_phone, "their_phone": their_phone,
        "phone_form": phone_form or SharePhoneForm(initial={"share": bool(my_phone), "phone": my_phone}),
        "is_open": not (match.wanted.closed_at or match.offered.closed_at),
        "match": match, "cafe": match.wanted.cafe, "other": other_request.user.pseudonym,
        "other_request": other_request, "i_proposed": match.proposed_by_id == user.pk,
        "chat": list(match.messages.select_related("author").only("text", "created_at", "author__pseudonym",
                                                                   "match_id")),
        "form": form or MatchMessageForm(),
    }


@require_http_methods(["GET", "POST"])
@cafe_reader
def match(request, match_id):
    """One match: who (by pseudonym), its state, accept or decline, and the short messages once agreed."""
    found = access.get_match_for(request.user, match_id)
    form = MatchMessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not within_rate_limit(scope="cafes-match-message", user=request.user, limit=10):
            form.add_error(None, _("You have sent many messages in a short time. Please wait a minute."))
        else:
            try:
                services.send_match_message(user=request.user, match=found, text=form.cleaned_data["text"])
            except services.CafeError as exc:
                form.add_error("text", exc.message)
            else:
                messages.success(request, _("Your message is sent."))
                return redirect(f"{found.get_absolute_url()}#messages")
    return render(request, "cafes/match.html", _match_context(request, found, form=form))


@require_POST
@cafe_reader
def match_answer(request, match_id):
    found = access.get_match_for(request.user, match_id)
    if request.POST.get("accept") not in ("0", "1"):
        messages.error(request, _("Please choose yes or no."))
        return redirect(found.get_absolute_url())
    accept = request.POST["accept"] == "1"
    try:
        services.answer_match(user=request.user, match=found, accept=accept)
    except services.CafeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You agreed to get there together. You can send a short message below.")
                         if accept else _("You declined. Thank you for answering."))
    return redirect(found.get_absolute_url())


@require_GET
@cafe_manager
def together_open(request):
    """For the consultant: open requests for upcoming cafés that nobody has agreed to yet."""
    page = Paginator(access.open_requests_for_manager(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "cafes/together_open.html", {"page": page, "requests": page.object_list})


# --- Attendance ---------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@cafe_manager
def attendance(request, cafe_id):
    """The consultant ticks who came, after the café has started."""
    cafe = access.get_cafe_to_manage(request.user, cafe_id)
    if not cafe.has_started() or cafe.is_cancelled:
        messages.info(request, _("Attendance can be marked once the café has started (and not for a cancelled "
                                 "café)."))
        return redirect(cafe.get_absolute_url())
    checklist = access.attendance_checklist(request.user, cafe)
    form = AttendanceForm(request.POST if request.method == "POST" else None, checklist=checklist)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.mark_attendance(cafe=cafe, by=request.user, user_ids=form.cleaned_data["came"],
                                             add_pseudonyms=form.pseudonyms())
        except services.CafeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Attendance saved: %(count)s came.") % {"count": count})
            return redirect(cafe.get_absolute_url())
    return render(request, "cafes/attendance.html", {"cafe": cafe, "form": form})


# --- "How was it" notes -------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@cafe_reader
def feedback(request, cafe_id):
    """A short anonymous note about the café for the consultant, once it has taken place."""
    cafe = access.get_cafe_for(request.user, cafe_id)
    if not access.can_answer(request.user):
        raise Http404
    if not access.can_leave_feedback(request.user, cafe):
        messages.info(request, _("You can leave one note about a café you answered, once it has taken place."))
        return redirect(cafe.get_absolute_url())
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_feedback(user=request.user, cafe=cafe, text=form.cleaned_data["text"])
        except services.CafeError as exc:
            form.add_error("text", exc.message)
        else:
            messages.success(request, _("Thank you. Your note has gone to the service user consultant, without "
                                        "your name."))
            return redirect(cafe.get_absolute_url())
    return render(request, "cafes/feedback.html", {"cafe": cafe, "form": form})


# --- The forum's café-corner thread -------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@cafe_manager
def forum_thread(request, cafe_id):
    """The consultant links a Café corner thread to the café, makes a new one there, or removes the link."""
    cafe = access.get_cafe_to_manage(request.user, cafe_id)
    threads = access.threads_to_link(request.user, cafe)
    form = ForumThreadForm(request.POST if request.method == "POST" else None, threads=threads,
                           initial={"thread": cafe.forum_thread_id})
    if request.method == "POST" and (request.POST.get("create") == "1" or form.is_valid()):
        create = request.POST.get("create") == "1"
        chosen = next((t for t in threads if t.pk == form.cleaned_data.get("thread")), None) if not create else None
        try:
            services.link_forum_thread(cafe=cafe, by=request.user, thread=chosen, create=create)
        except services.CafeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The forum thread is linked to the café.") if cafe.forum_thread_id
                             else _("The café has no forum thread now."))
            return redirect(cafe.get_absolute_url())
    return render(request, "cafes/forum_thread.html", {
        "cafe": cafe, "form": form, "has_board": services.cafe_corner_board() is not None,
    })


@require_POST
@cafe_reader
def match_phone(request, match_id):
    """Share my phone number with the other person of an agreed match, or stop sharing it."""
    found = access.get_match_for(request.user, match_id)
    form = SharePhoneForm(request.POST)
    if form.is_valid():
        try:
            both = services.share_phone(user=request.user, match=found, phone=form.cleaned_data["phone"])
        except services.CafeError as exc:
            form.add_error(None, exc.message)
        else:
            if not form.cleaned_data["phone"]:
                messages.success(request, _("Your phone number is no longer shared."))
            elif both:
                messages.success(request, _("You have both shared your phone numbers."))
            else:
                messages.success(request, _("Your phone number will be shown once the other person shares theirs "
                                            "too."))
            return redirect(f"{found.get_absolute_url()}#phone")
    return render(request, "cafes/match.html", _match_context(request, found, phone_form=form))
