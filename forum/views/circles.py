"""Circles: closed groups a member makes and invites others to by pseudonym.

Only service users and the consultant are ever in a circle (forum_writer: everyone else gets 404, admins
included). Everything is fetched through forum.access, so a circle you are not in answers 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forum import access, services
from forum.forms import CircleForm, CircleInviteForm, NewThreadForm
from forum.models import THREADS_PER_PAGE, CircleInvitation, CircleMembership, Thread, ThreadReadState
from forum.views import compose, forum_writer
from forum.views.rows import show_threads

CIRCLES_PER_PAGE = 25


def _last_read(user):
    return ThreadReadState.objects.filter(user=user, thread=OuterRef("pk")).values("last_read_number")[:1]


# --- My circles -----------------------------------------------------------------------------------------
@require_GET
@forum_writer
def circles(request):
    """The circles `request.user` is in (every circle for the consultant) and their invitations waiting."""
    user = request.user
    member_count = (
        CircleMembership.objects.filter(circle=OuterRef("pk"), user__is_active=True)
        .order_by().values("circle").annotate(n=Count("pk")).values("n")
    )
    last_activity = Thread.objects.filter(circle=OuterRef("pk")).order_by("-last_post_at").values("last_post_at")[:1]
    unread_threads = Thread.objects.filter(circle=OuterRef("pk")).annotate(
        read=Coalesce(Subquery(_last_read(user), output_field=IntegerField()), Value(0)),
    ).filter(post_count__gt=F("read"))
    circle_list = (
        access.circles_visible_to(user)
        .annotate(
            member_count=Coalesce(Subquery(member_count, output_field=IntegerField()), Value(0)),
            last_activity=Subquery(last_activity),
            has_unread=Exists(unread_threads),
        )
        .annotate(active_at=Coalesce("last_activity", "created_at"))
        .order_by("-active_at", Lower("name"), "pk")
    )
    page = Paginator(circle_list, CIRCLES_PER_PAGE).get_page(request.GET.get("page"))
    invitations = (
        access.circle_invitations_for(user).filter(status=CircleInvitation.Status.PENDING)
        .select_related("circle", "invited_by").order_by("-created_at")
    )
    return render(request, "forum/circles.html", {
        "page": page, "invitations": list(invitations), "is_consultant": user.is_consultant,
    })


@require_http_methods(["GET", "POST"])
@forum_writer
def circle_create(request):
    form = CircleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            circle = services.create_circle(creator=request.user, **form.cleaned_data)
        except services.ForumError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your circle is made. Now you can invite the people you want in it."))
            return redirect(circle.get_absolute_url())
    return render(request, "forum/circle_form.html", {"form": form})


# --- One circle -----------------------------------------------------------------------------------------
def _circle_page(request, circle, invite_form=None):
    """The circle page: who is in it, its threads (25 a page, with unread markers), and the invite form."""
    user = request.user
    members = list(
        CircleMembership.objects.filter(circle=circle, user__is_active=True)
        .select_related("user").order_by(Lower("user__pseudonym"))
    )
    threads = (
        access.threads_visible_to(user).filter(circle=circle)
        .select_related("author", "last_post__author")
        .annotate(last_read_number=Subquery(_last_read(user)))
        .order_by("-is_pinned", "-last_post_at", "-pk")
    )
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = show_threads(list(page.object_list))
    # The invitations you sent that wait for an answer (the consultant sees all of them): whom else you
    # invited is nobody else's business until they join.
    waiting = circle.invitations.filter(status=CircleInvitation.Status.PENDING).select_related("invitee")
    if not user.is_consultant:
        waiting = waiting.filter(invited_by=user)
    return render(request, "forum/circle.html", {
        "circle": circle,
        "members": members,
        "is_member": any(m.user_id == user.pk for m in members),
        "page": page,
        "waiting": list(waiting.order_by("-created_at")),
        "invite_form": invite_form or CircleInviteForm(),
        "can_post": True,
    })


@require_GET
@forum_writer
def circle(request, circle_id):
    return _circle_page(request, access.get_circle_for(request.user, circle_id))


@require_http_methods(["GET", "POST"])
@forum_writer
def circle_thread_create(request, circle_id):
    """Start a thread in a circle: the same form and writing checks as on a board, without "local only"."""
    circle = access.get_circle_for(request.user, circle_id)
    form = NewThreadForm(request.POST if request.method == "POST" else None, community=None)

    def write(data):
        thread = services.start_thread(
            circle=circle, author=request.user, title=data["title"], body=data["body"],
            submit_token=data.get("submit_token"),
        )
        messages.success(request, _("Your thread is posted in the circle. You will be told when someone replies."))
        return thread.last_post, redirect(thread.get_absolute_url())

    return compose(request, form, "forum/thread_form.html", {"circle": circle, "board": None}, write=write,
                   check_text=lambda data: f"{data['title']}\n\n{data['body']}")


@require_POST
@forum_writer
def circle_invite(request, circle_id):
    """Invite someone by pseudonym. A refusal shows the circle page again with the message at the form."""
    circle = access.get_circle_for(request.user, circle_id)
    form = CircleInviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite_to_circle(
                circle=circle, inviter=request.user, pseudonym=form.cleaned_data["pseudonym"],
            )
        except services.ForumError as exc:
            form.add_error("pseudonym", exc.message)
        else:
            messages.success(request, _("%(pseudonym)s is invited. They join the circle when they accept.")
                             % {"pseudonym": invitation.invitee.pseudonym})
            return redirect(circle.get_absolute_url())
    return _circle_page(request, circle, invite_form=form)


@require_http_methods(["GET", "POST"])
@forum_writer
def circle_leave(request, circle_id):
    """Leave a circle (GET: what it means, POST: leave). The consultant is in every circle and has no such page."""
    circle = access.get_circle_for(request.user, circle_id)
    if request.user.is_consultant:
        raise Http404
    if request.method == "POST":
        services.leave_circle(circle=circle, user=request.user)
        messages.success(request, _("You have left the circle “%(name)s”. What you wrote there stays.")
                         % {"name": circle.name})
        return redirect("forum:circles")
    return render(request, "forum/circle_leave.html", {"circle": circle})


# --- Invitations ----------------------------------------------------------------------------------------
def _answer_invitation(request, answer, *, done, done_url, refused_url):
    """Run `answer()` (a service call); say `done` and go to `done_url`, or say why not and go to `refused_url`."""
    try:
        answer()
    except services.ForumError as exc:
        messages.info(request, exc.message)
        return redirect(refused_url)
    messages.success(request, done)
    return redirect(done_url)


@require_POST
@forum_writer
def invitation_accept(request, invitation_id):
    invitation = access.get_circle_invitation_for_invitee(request.user, invitation_id)
    return _answer_invitation(
        request, lambda: services.accept_invitation(invitation=invitation, invitee=request.user),
        done=_("Welcome to the circle “%(name)s”.") % {"name": invitation.circle.name},
        done_url=invitation.circle.get_absolute_url(), refused_url="forum:circles",
    )


@require_POST
@forum_writer
def invitation_decline(request, invitation_id):
    invitation = access.get_circle_invitation_for_invitee(request.user, invitation_id)
    return _answer_invitation(
        request, lambda: services.decline_invitation(invitation=invitation, invitee=request.user),
        done=_("You have said no to the invitation. The circle is not shown to you."),
        done_url="forum:circles", refused_url="forum:circles",
    )


@require_POST
@forum_writer
def invitation_withdraw(request, invitation_id):
    invitation = access.get_circle_invitation_for_inviter(request.user, invitation_id)
    circle_url = invitation.circle.get_absolute_url()
    return _answer_invitation(
        request, lambda: services.withdraw_invitation(invitation=invitation, inviter=request.user),
        done=_("The invitation to %(pseudonym)s is withdrawn.") % {"pseudonym": invitation.invitee.pseudonym},
        done_url=circle_url, refused_url=circle_url,
    )
