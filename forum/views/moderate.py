"""The service user consultant's moderation in the forum: pin, lock, move, hide, restore, earlier versions.

Only the consultant (forum.access.can_moderate) may act; to everyone else these pages do not exist (404).
Each view is thin: access → service → a message → back to the thread. The full queue and the moderation
log come with the moderation app.
"""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forum import access, services
from forum.forms import HidePostForm
from reconnect.access import page_for

# The service user consultant; anyone else gets 404, as if the page were not there.
consultant_only = page_for(access.check_can_moderate)


# --- For the thread page (forum.views.thread) ------------------------------------------------------------
def with_revision_counts(user, posts):
    """For the consultant, each post knows how many earlier versions it has (no extra query per post)."""
    if access.can_moderate(user):
        return posts.annotate(revision_count=Count("revisions"))
    return posts


def moderation_context(user, thread):
    """What the thread page's moderation tools need: nothing for anyone but the consultant.

    The boards a thread may move to are read here, once (one query), only for the consultant.
    """
    if not access.can_moderate(user):
        return {"can_moderate": False, "move_boards": []}
    boards = []
    if thread.board_id is not None:
        boards = list(access.boards_visible_to(user).exclude(pk=thread.board_id))
    return {"can_moderate": True, "move_boards": boards}


# --- Threads: pin, lock, move ------------------------------------------------------------------------------
@require_POST
@consultant_only
def thread_pin(request, thread_id):
    """Pin (pin=1) or unpin (pin=0) a thread."""
    thread = access.get_thread_for(request.user, thread_id)
    if request.POST.get("pin") == "1":
        changed = services.pin_thread(thread=thread, moderator=request.user)
        messages.success(request, _("The thread is pinned to the top of its board.") if changed
                         else _("The thread was already pinned."))
    else:
        changed = services.unpin_thread(thread=thread, moderator=request.user)
        messages.success(request, _("The thread is no longer pinned.") if changed
                         else _("The thread was not pinned."))
    return redirect(thread.get_absolute_url())


@require_POST
@consultant_only
def thread_lock(request, thread_id):
    """Lock (lock=1) or unlock (lock=0) a thread."""
    thread = access.get_thread_for(request.user, thread_id)
    if request.POST.get("lock") == "1":
        changed = services.lock_thread(thread=thread, moderator=request.user)
        messages.success(request, _("The thread is locked. Nobody can add new replies until you unlock it.")
                         if changed else _("The thread was already locked."))
    else:
        changed = services.unlock_thread(thread=thread, moderator=request.user)
        messages.success(request, _("The thread is open for replies again.") if changed
                         else _("The thread was not locked."))
    return redirect(thread.get_absolute_url())


@require_POST
@consultant_only
def thread_move(request, thread_id):
    """Move a thread to another open board (chosen by its slug in the field "board")."""
    thread = access.get_thread_for(request.user, thread_id)
    slug = request.POST.get("board", "")
    to_board = access.boards_visible_to(request.user).filter(slug=slug).first() if slug else None
    if to_board is None:
        messages.error(request, _("Please choose an open board to move the thread to."))
        return redirect(thread.get_absolute_url())
    try:
        changed = services.move_thread(thread=thread, to_board=to_board, moderator=request.user)
    except services.ForumError as exc:
        messages.error(request, exc.message)
        return redirect(thread.get_absolute_url())
    if changed:
        messages.success(request, _("The thread is moved to “%(board)s”.") % {"board": to_board.name})
    else:
        messages.info(request, _("The thread is already on “%(board)s”.") % {"board": to_board.name})
    return redirect(thread.get_absolute_url())


# --- Posts: hide, restore, earlier versions ------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@consultant_only
def post_hide(request, post_id):
    """GET: the form asking for a reason. POST: hide the post; its author is told privately."""
    post = access.get_post_for(request.user, post_id)
    back = post.get_thread_url()
    if post.is_deleted:
        messages.info(request, _("The author has deleted this post, so there is nothing to hide."))
        return redirect(back)
    if post.is_hidden:
        messages.info(request, _("This post is already hidden from others."))
        return redirect(back)
    form = HidePostForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hide_post(post=post, moderator=request.user, reason=form.cleaned_data["reason"])
        except services.ForumError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The post is hidden from others. Its author has been told, privately, "
                                        "and can still see it with your reason."))
            return redirect(back)
    return render(request, "forum/post_hide.html", {"post": post, "thread": post.thread, "form": form})


@require_POST
@consultant_only
def post_restore(request, post_id):
    """Show a hidden post to others again; its author is told."""
    post = access.get_post_for(request.user, post_id)
    if services.restore_post(post=post, moderator=request.user):
        messages.success(request, _("The post is visible to others again. Its author has been told."))
    else:
        messages.info(request, _("This post is not hidden."))
    return redirect(post.get_thread_url())


@require_GET
@consultant_only
def post_revisions(request, post_id):
    """The current text of a post and its earlier versions, newest first (for the consultant only)."""
    post = access.get_post_for(request.user, post_id)
    revisions = post.revisions.order_by("-replaced_at", "-pk")
    return render(request, "forum/post_revisions.html", {
        "post": post, "thread": post.thread, "revisions": revisions,
    })
