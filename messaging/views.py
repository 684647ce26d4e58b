"""Messaging pages. Thin: access → form → service → redirect. Every page works without JavaScript."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from messaging import access, services
from messaging.forms import EditMessageForm, NewConversationForm, ReplyForm, ReplyTimeForm
from messaging.models import MESSAGES_PER_PAGE, Message, Participant
from reconnect.access import page_for
from reconnect.fields import DecryptionError
from reconnect.models import Role

CONVERSATIONS_PER_PAGE = 25


# Service users, providers and the consultant; anyone else (admins) gets 404, as if there were nothing.
messaging_member = page_for(access.check_can_use_messaging)


def _positive_int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


# --- Inbox --------------------------------------------------------------------------------------------
def _with_waiting_since(conversations):
    """Annotate `waiting_since`: when the service user's oldest message not yet answered by anyone else in the
    conversation was sent (None when nothing waits). A colleague's reply answers for the whole care team."""
    last_answer = (
        Message.objects.filter(conversation=OuterRef("pk"))
        .filter(~Q(sender_id=OuterRef("service_user_id")) | Q(sender__isnull=True))
        .order_by("-number").values("number")[:1]
    )
    first_waiting = (
        Message.objects.filter(
            conversation=OuterRef("pk"), sender_id=OuterRef("service_user_id"), withdrawn_at__isnull=True,
            number__gt=Coalesce(OuterRef("last_answer"), 0),
        )
        .order_by("number").values("created_at")[:1]
    )
    return conversations.annotate(last_answer=Subquery(last_answer)).annotate(waiting_since=Subquery(first_waiting))


@require_GET
@messaging_member
def inbox(request):
    """My conversations, newest activity first (or unread first), with unread counts and who is in each."""
    user = request.user
    mine = Participant.objects.filter(conversation=OuterRef("pk"), user=user)
    answers = access.can_set_reply_time(user)  # providers and the consultant: people wait for their reply
    sorts = ["recent", "unread", *(["waiting"] if answers else [])]
    sort = request.GET.get("sort") if request.GET.get("sort") in sorts else "recent"
    order = {
        "recent": ("-last_message_at", "-pk"),
        "unread": ("-my_unread", "-last_message_at", "-pk"),
        "waiting": (F("waiting_since").asc(nulls_last=True), "-last_message_at", "-pk"),
    }[sort]
    conversations = access.conversations_visible_to(user).annotate(
        my_unread=Subquery(mine.values("unread_count")[:1])
    )
    if answers:
        conversations = _with_waiting_since(conversations)
    conversations = (
        conversations
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("user").order_by("joined_at", "pk"))
        )
        .order_by(*order)
    )
    page = Paginator(conversations, CONVERSATIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "conversation": conversation,
            "unread": conversation.my_unread or 0,
            "waiting_since": getattr(conversation, "waiting_since", None),
            "others": [
                access.display_name(user, p.user) for p in conversation.participants.all() if p.user_id != user.pk
            ],
        }
        for conversation in page.object_list
    ]
    return render(request, "messaging/inbox.html", {
        "page": page, "rows": rows, "sort": sort, "sorts": sorts,
        "can_start": access.can_start_conversation(user),
        "can_set_reply_time": access.can_set_reply_time(user),
    })


# --- Starting a conversation --------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@messaging_member
def conversation_create(request):
    if not access.can_start_conversation(request.user):
        raise Http404
    form = NewConversationForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None,
        author=request.user, initial_to=_positive_int(request.GET.get("to")),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversation = services.start_conversation(
                author=request.user, to=data["to"], subject=data["subject"], body=data["body"],
                attachment=data.get("attachment"), submit_token=data.get("submit_token"),
            )
        except services.MessagingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect(conversation.get_absolute_url())
    return render(request, "messaging/conversation_form.html", {
        "form": form, "reply_notes": _reply_notes_for_choices(request.user, form),
    })


# --- A conversation -----------------------------------------------------------------------------------
def _reply_notes(viewer, participants):
    """(name, usual reply time) for each provider or consultant the viewer writes to; "" means the default."""
    return [
        (access.display_name(viewer, p.user), p.user.message_reply_time)
        for p in participants
        if p.user_id != viewer.pk and p.user.role in (Role.PROVIDER, Role.CONSULTANT) and access.has_access(p)
    ]


def _reply_notes_for_choices(viewer, form):
    if viewer.role != Role.SERVICE_USER:
        return []
    return [(access.display_name(viewer, person), person.message_reply_time) for person in form.people.values()]


def _conversation_context(request, conversation, *, form=None, before=None):
    user = request.user
    messages_qs = conversation.messages.select_related("sender", "attachment")
    if before is not None:
        messages_qs = messages_qs.filter(number__lt=before)
    shown = list(messages_qs.order_by("-number")[:MESSAGES_PER_PAGE])[::-1]
    participants = list(access.participants_of(conversation))
    others = [p for p in participants if p.user_id != user.pk and access.has_access(p)]
    # "Read" shows on my message when everyone else who can still open the conversation has read it.
    read_up_to = min((p.last_read_number for p in others), default=0)
    now = timezone.now()
    for message in shown:
        message.sender_name = access.display_name(user, message.sender) if message.sender else _("A former member")
        message.is_mine = message.sender_id == user.pk
        message.is_read = message.is_mine and bool(others) and read_up_to >= message.number
        message.changeable = message.is_mine and message.can_change(now=now)
        message.file = getattr(message, "attachment", None)  # the reverse one-to-one raises when there is none
    return {
        "conversation": conversation,
        "chat_messages": shown,
        "earlier_before": shown[0].number if shown and shown[0].number > 1 else None,
        "is_earlier_page": before is not None,
        "people": [
            {"name": access.display_name(user, p.user), "role": p.user.get_role_display(),
             "has_access": access.has_access(p), "is_me": p.user_id == user.pk}
            for p in participants
        ],
        "reply_notes": _reply_notes(user, participants),
        "can_write": bool(others),
        "form": form if form is not None else ReplyForm(),
    }


@require_GET
@messaging_member
def conversation(request, conversation_id):
    """The messages in order, newest 50 (earlier ones a link away); opening the newest marks them read."""
    conversation = access.get_conversation_for(request.user, conversation_id)
    before = _positive_int(request.GET.get("before"))
    context = _conversation_context(request, conversation, before=before)
    if before is None and context["chat_messages"]:
        # A write on GET, like the forum's read marker and opening a notification: reading is what marks it.
        # Nothing is written when nothing changed (see the csrf test's allowance for this row).
        services.mark_conversation_read(
            conversation=conversation, user=request.user, up_to_number=context["chat_messages"][-1].number
        )
    return render(request, "messaging/conversation.html", context)


@require_POST
@messaging_member
def reply(request, conversation_id):
    conversation = access.get_conversation_for(request.user, conversation_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            message = services.send_message(
                conversation=conversation, sender=request.user, body=data["body"],
                attachment=data.get("attachment"), submit_token=data.get("submit_token"),
            )
        except services.MessagingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect(f"{conversation.get_absolute_url()}#message-{message.number}")
    return render(request, "messaging/conversation.html", _conversation_context(request, conversation, form=form),
                  status=200)


# --- Changing a message -------------------------------------------------------------------------------
def _too_late(request, message, text):
    messages.info(request, text)
    return redirect(f"{message.conversation.get_absolute_url()}#message-{message.number}")


@require_http_methods(["GET", "POST"])
@messaging_member
def message_edit(request, message_id):
    message = access.get_own_message_for_change(request.user, message_id)
    if not message.can_change():
        return _too_late(request, message, _("A message can be changed only in the first 5 minutes after it was sent."))
    form = EditMessageForm(request.POST if request.method == "POST" else None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_message(message=message, editor=request.user, body=form.cleaned_data["body"])
        except services.MessagingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your message has been changed."))
            return redirect(f"{message.conversation.get_absolute_url()}#message-{message.number}")
    return render(request, "messaging/message_edit.html", {"form": form, "message": message})


@require_http_methods(["GET", "POST"])
@messaging_member
def message_withdraw(request, message_id):
    """GET asks to confirm; POST withdraws (within 5 minutes)."""
    message = access.get_own_message_for_change(request.user, message_id)
    if not message.can_change():
        return _too_late(request, message, _("A message can be withdrawn only in the first 5 minutes after it was sent."))
    if request.method == "POST":
        try:
            services.withdraw_message(message=message, by=request.user)
        except services.MessagingError as exc:
            return _too_late(request, message, exc.message)
        messages.success(request, _("Your message has been withdrawn."))
        return redirect(f"{message.conversation.get_absolute_url()}#message-{message.number}")
    return render(request, "messaging/message_withdraw.html", {"message": message})


# --- Attachments --------------------------------------------------------------------------------------
@require_GET
@messaging_member
def attachment(request, attachment_id):
    """The file, downloaded (never shown inline), with the type told by its content when it was sent."""
    attachment = access.get_attachment_for(request.user, attachment_id)
    try:
        content = services.attachment_content(attachment)
    except (FileNotFoundError, DecryptionError):
        raise Http404 from None
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


# --- Settings -----------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@messaging_member
def reply_time_settings(request):
    """Providers and the consultant say how soon they usually reply; it shows above the composer."""
    if not access.can_set_reply_time(request.user):
        raise Http404
    form = ReplyTimeForm(
        request.POST if request.method == "POST" else None,
        initial={"message_reply_time": request.user.message_reply_time},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_reply_time(user=request.user, text=form.cleaned_data["message_reply_time"])
        except services.MessagingError as exc:
            form.add_error("message_reply_time", exc.message)
        else:
            messages.success(request, _("Saved. People who write to you will see it above the message box."))
            return redirect("messaging:settings")
    return render(request, "messaging/settings.html", {"form": form})
