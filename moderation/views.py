"""The consultant's workspace: the queue, an item and the actions from it, the log, member care, reply
templates, on-duty hours, announcements; and a member's own "moderation of my posts". Thin: access → form →
service → redirect. (Statistics have their own views: moderation/stats_views.py.)"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forum import access as forum_access
from moderation import access, services
from moderation.duty import hours_as_rows, is_on_duty
from moderation.forms import (
    AnnouncementForm, HandleForm, HideForm, MemberNoteForm, OnDutyForm, PauseForm, QueueFilterForm,
    ReplyFromItemForm, ReplyTemplateForm, SlowModeForm, WritePrivatelyForm,
)
from reconnect.access import page_for
from reconnect.models import Community
from reconnect.queries import fetched_in_written_join_order

ITEMS_PER_PAGE = 25
LOG_PER_PAGE = 50


# The service user consultant and admins; anyone else gets 404, as if the page were not there.
workspace_only = page_for(access.check_can_use_workspace)


# The service user consultant only (admins read the workspace but do not act in the forum).
consultant_only = page_for(access.check_can_act_in_forum)


def _positive_int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


# --- The queue --------------------------------------------------------------------------------------------------
@require_GET
@workspace_only
def queue(request):
    """Open items, crisis first, then oldest first; filters by kind, community, state and age; 25 a page."""
    communities = list(Community.objects.order_by("name"))
    filters = QueueFilterForm(request.GET or None, communities=communities)
    chosen = filters.filters() if request.GET else {"kind": "", "community_id": None, "state": "open",
                                                    "older_than_hours": None}
    items = access.queue_items_for(request.user, **chosen)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "moderation/queue.html", {
        "filters": filters, "page": page, "items": fetched_in_written_join_order(page.object_list), "chosen": chosen,
        "query": query.urlencode(), "on_duty": is_on_duty(),
    })


def _item_context(request, item, **forms):
    user = request.user
    context = {"item": item, "reasons": list(item.reasons.all()), "can_act": access.can_act_in_forum(user)}
    if item.post_id:
        post = item.post
        context["earlier_posts"] = list(
            post.thread.posts.filter(number__lt=post.number, number__gte=post.number - 2)
            .select_related("author").order_by("number"))
        context["member"] = post.author if post.author and post.author.is_service_user else None
        context["move_boards"] = (list(forum_access.boards_visible_to(user).exclude(pk=post.thread.board_id))
                                  if post.thread.board_id and context["can_act"] else [])
    elif item.companion_request_id:
        context["member"] = item.companion_request.user
    templates = list(access.templates_of(user))
    chosen = _positive_int(request.GET.get("template"))
    chosen_template = next((t for t in templates if t.pk == chosen), None)
    context.update({
        "templates": templates, "chosen_template": chosen_template,
        "reply_form": forms.get("reply_form") or ReplyFromItemForm(
            initial={"body": chosen_template.body} if chosen_template else None),
        "handle_form": forms.get("handle_form") or HandleForm(),
        "hide_form": forms.get("hide_form") or HideForm(),
        "slow_form": SlowModeForm(initial={"seconds": item.thread.slow_mode_seconds if item.thread_id else 0}),
        "crisis_helpline_name": settings.CRISIS_HELPLINE_NAME,
        "crisis_helpline_number": settings.CRISIS_HELPLINE_NUMBER,
    })
    return context


@require_GET
@workspace_only
def item(request, item_id):
    """One item: the content in context, why it is here (with the reporter, for the consultant only), the actions."""
    item = access.get_item_for(request.user, item_id)
    return render(request, "moderation/item.html", _item_context(request, item))


@require_POST
@workspace_only
def item_act(request, item_id):
    """Every action from an item, chosen by the field "action"; then back to the item (or the queue)."""
    item = access.get_item_for(request.user, item_id)
    action = request.POST.get("action", "")
    back = redirect(item.get_absolute_url())
    try:
        if action == "take":
            if services.take_item(item=item, by=request.user):
                messages.success(request, _("You are handling this item now. Others can see that."))
            else:
                messages.info(request, _("This item is already being handled."))
            return back
        if action == "handle":
            form = HandleForm(request.POST)
            if not form.is_valid():
                return render(request, "moderation/item.html", _item_context(request, item, handle_form=form))
            services.handle_item(item=item, by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Marked as handled. Thank you."))
            return redirect("moderation:queue")
        if action == "reply":
            form = ReplyFromItemForm(request.POST)
            if not form.is_valid():
                return render(request, "moderation/item.html", _item_context(request, item, reply_form=form))
            try:
                services.act_on_item(item=item, by=request.user, action="reply", body=form.cleaned_data["body"],
                                     submit_token=form.cleaned_data.get("submit_token"))
            except services.ModerationError as exc:
                form.add_error(None, exc.message)
                return render(request, "moderation/item.html", _item_context(request, item, reply_form=form))
            messages.success(request, _("Your reply is posted in the thread."))
            return back
        if action == "hide":
            form = HideForm(request.POST)
            if not form.is_valid():
                return render(request, "moderation/item.html", _item_context(request, item, hide_form=form))
            services.act_on_item(item=item, by=request.user, action="hide", reason=form.cleaned_data["reason"])
            messages.success(request, _("The post is hidden from others. Its author has been told, privately, and "
                                        "can still see it with your reason."))
            return back
        if action == "slow":
            form = SlowModeForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Please choose how long members wait between replies."))
                return back
            services.act_on_item(item=item, by=request.user, action="slow", seconds=form.cleaned_data["seconds"])
            messages.success(request, _("Slow mode is set for this thread."))
            return back
        if action == "move":
            slug = request.POST.get("board", "")
            board = forum_access.boards_visible_to(request.user).filter(slug=slug).first() if slug else None
            if board is None:
                messages.error(request, _("Please choose an open board to move the thread to."))
                return back
            services.act_on_item(item=item, by=request.user, action="move", board=board)
            messages.success(request, _("The thread is moved to “%(board)s”.") % {"board": board.name})
            return back
        if action in ("restore", "lock", "unlock"):
            changed = services.act_on_item(item=item, by=request.user, action=action)
            done = {"restore": _("The post is visible to others again. Its author has been told."),
                    "lock": _("The thread is locked. Nobody can add new replies until you unlock it."),
                    "unlock": _("The thread is open for replies again.")}[action]
            messages.success(request, done) if changed else messages.info(request, _("Nothing needed changing."))
            return back
        messages.error(request, _("Please choose what to do."))
    except services.ModerationError as exc:
        messages.error(request, exc.message)
    return back


@require_http_methods(["GET", "POST"])
@consultant_only
def item_write(request, item_id):
    """Write privately (through messaging) to the member an item is about."""
    item = access.get_item_for(request.user, item_id)
    member = services._subject(item)
    if member is None or not member.is_active:
        messages.info(request, _("There is no member to write to for this item."))
        return redirect(item.get_absolute_url())
    form = WritePrivatelyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_privately(item=item, member=member, by=request.user, subject=form.cleaned_data["subject"],
                                     body=form.cleaned_data["body"], submit_token=form.cleaned_data["submit_token"])
        except services.ModerationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your message is sent. You find the conversation under Messages."))
            return redirect(item.get_absolute_url())
    return render(request, "moderation/write.html", {"item": item, "member": member, "form": form})


# --- The log ----------------------------------------------------------------------------------------------------
@require_GET
@workspace_only
def log(request):
    """Every moderation action, newest first: who, what, why, when and on what. Nothing here can be changed."""
    page = Paginator(access.log_for(request.user), LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "moderation/log.html", {"page": page})


# --- Member care --------------------------------------------------------------------------------------------------
def _member_context(request, member, **forms):
    from forum.access import active_posting_pause

    return {
        "member": member,
        "notes": list(access.notes_about(request.user, member)[:50]),
        "history": list(access.log_for(request.user).filter(subject_user=member)[:30]),
        "pause": active_posting_pause(member),
        "can_act": access.can_act_in_forum(request.user),
        "note_form": forms.get("note_form") or MemberNoteForm(),
        "pause_form": forms.get("pause_form") or PauseForm(),
        "pause_max_days": services.pause_max_days(),
    }


@require_GET
@workspace_only
def member(request, pseudonym):
    """A member by pseudonym: notes, a running pause, what moderation has done about them."""
    member = access.get_member_for(request.user, pseudonym)
    return render(request, "moderation/member.html", _member_context(request, member))


@require_POST
@workspace_only
def member_note(request, pseudonym):
    member = access.get_member_for(request.user, pseudonym)
    form = MemberNoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_member_note(member=member, by=request.user, text=form.cleaned_data["text"])
        except services.ModerationError as exc:
            form.add_error("text", exc.message)
        else:
            messages.success(request, _("The note is saved."))
            return redirect("moderation:member", member.pseudonym)
    return render(request, "moderation/member.html", _member_context(request, member, note_form=form))


@require_POST
@consultant_only
def member_pause(request, pseudonym):
    """Pause a member's posting (action=pause, with days and a reason) or end a running pause (action=end)."""
    member = access.get_member_for(request.user, pseudonym)
    if request.POST.get("action") == "end":
        try:
            ended = services.end_member_pause(member=member, by=request.user)
        except services.ModerationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The pause has ended. The member has been told.") if ended
                             else _("There was no pause to end."))
        return redirect("moderation:member", member.pseudonym)
    form = PauseForm(request.POST)
    if form.is_valid():
        try:
            services.pause_member(member=member, by=request.user, until=form.until(),
                                  reason=form.cleaned_data["reason"])
        except services.ModerationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The member's posting is paused. They have been told, and will read your "
                                        "reason when they try to post."))
            return redirect("moderation:member", member.pseudonym)
    return render(request, "moderation/member.html", _member_context(request, member, pause_form=form))


# --- Reply templates ----------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@consultant_only
def templates(request):
    """The consultant's own reply templates, and a form to add one."""
    form = ReplyTemplateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_reply_template(owner=request.user, **form.cleaned_data)
        except services.ModerationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The template is saved."))
            return redirect("moderation:templates")
    return render(request, "moderation/templates.html", {
        "templates": access.templates_of(request.user), "form": form})


@require_http_methods(["GET", "POST"])
@consultant_only
def template_edit(request, template_id):
    template = access.get_template_for(request.user, template_id)
    form = ReplyTemplateForm(request.POST if request.method == "POST" else None,
                             initial={"title": template.title, "body": template.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_reply_template(owner=request.user, template=template, **form.cleaned_data)
        except services.ModerationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The template is saved."))
            return redirect("moderation:templates")
    return render(request, "moderation/template_edit.html", {"template": template, "form": form})


@require_POST
@consultant_only
def template_delete(request, template_id):
    template = access.get_template_for(request.user, template_id)
    services.delete_reply_template(owner=request.user, template=template)
    messages.success(request, _("The template is deleted."))
    return redirect("moderation:templates")


# --- On-duty hours and announcements -------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@workspace_only
def duty(request):
    """The consultant's hours per weekday; outside them the forum says replies may take longer."""
    form = OnDutyForm(request.POST if request.method == "POST" else None, rows=hours_as_rows())
    if request.method == "POST" and form.is_valid():
        try:
            services.set_on_duty_hours(by=request.user, hours=form.cleaned_data["hours"])
        except services.ModerationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The on-duty hours are saved."))
            return redirect("moderation:duty")
    return render(request, "moderation/duty.html", {"form": form, "on_duty": is_on_duty()})


@require_http_methods(["GET", "POST"])
@consultant_only
def announce(request):
    """Publish a pinned announcement on a board, for everyone or for one community."""
    boards = list(forum_access.boards_visible_to(request.user))
    communities = list(Community.objects.order_by("name"))
    form = AnnouncementForm(request.POST if request.method == "POST" else None, boards=boards,
                            communities=communities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        board = next(b for b in boards if b.slug == data["board"])
        community = next((c for c in communities if c.pk == data["community"]), None)
        try:
            thread = services.publish_announcement(by=request.user, board=board, community=community,
                                                   title=data["title"], body=data["body"])
        except services.ModerationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The announcement is published and pinned to the top of the board."))
            return redirect(thread.get_absolute_url())
    return render(request, "moderation/announce.html", {"form": form})


# --- A member's own history ------------------------------------------------------------------------------------------
@require_GET
def my_history(request):
    """What the consultant did to my own posts and threads, and why. Never who reported anything."""
    if not request.user.is_authenticated or not request.user.is_service_user:
        raise Http404
    page = Paginator(access.own_moderation_history(request.user), LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "moderation/my_history.html", {"page": page})
