"""The forum's pages. Thin: access → form → service → redirect (or a partial for HTMX)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forum import access, services
from forum.checks import run_writing_checks
from forum.forms import EditPostForm, NewThreadForm, PostReportForm, PreviewForm, ReplyForm
from forum.markdown import render_markdown
from forum.models import POSTS_PER_PAGE, THREADS_PER_PAGE, PostFlag, Subscription, ThreadReadState
from forum.quoting import quote_for_reply
from forum.reactions import reaction_prefetch
from forum.views.moderate import moderation_context, with_revision_counts
from forum.views.rows import show_posts, show_threads
from reconnect.access import page_for

# Service users, the consultant and admins; anyone else (providers) gets 404, as if there were no forum.
forum_reader = page_for(access.check_can_read_forum)


# Service users and the consultant; anyone else gets 404.
forum_writer = page_for(access.check_can_post)


# --- Writing help -------------------------------------------------------------------------------------
def _writing_check(request, text):
    """The privacy and crisis checks (forum/checks.py) for `text`, written for the author's own community."""
    return run_writing_checks(text, community=request.user.community)


def _flag_for_consultant(post, check):
    """After "Post anyway": crisis language and identifying details become flags the consultant will see.

    Only the kind is stored, never what the checks found.
    """
    if check.is_crisis:
        services.flag_post(post=post, kind=PostFlag.Kind.CRISIS)
    if check.has_privacy_findings:
        services.flag_post(post=post, kind=PostFlag.Kind.PRIVACY)


def compose(request, form, template, context, *, write, check_text=lambda data: data["body"]):
    """The shared flow of every writing form: validate, preview, writing checks, write, or show again.

    - "Preview" (a submit button, so it works without JavaScript) shows the rendered text above the form.
    - If the writing checks find something, the form comes back with what they found and two buttons:
      "Edit my post" and "Post anyway" (confirmed=1). Crisis language never blocks a post.
    - After "Post anyway" the checks run again on the text actually sent (they are fast), and the written
      post is flagged for the consultant: crisis language, identifying details, or both.
    - Each check is counted per day for the statistics (forum.models.WritingCheckDay); nothing else is kept.

    `write(data)` does the writing and returns (the post written, the response to send).
    """
    extra = {"form": form, "preview_html": None, "writing_check": None}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("preview"):
            extra["preview_html"] = render_markdown(data["body"])
        else:
            confirmed = request.POST.get("confirmed") == "1"
            check = _writing_check(request, check_text(data))
            if not confirmed:
                services.count_writing_check(privacy_found=check.has_privacy_findings, crisis_found=check.is_crisis)
            if not confirmed and (check.has_privacy_findings or check.is_crisis):
                extra["writing_check"] = check
            else:
                try:
                    post, response = write(data)
                except services.ForumError as exc:
                    form.add_error(None, exc.message)
                else:
                    if confirmed:
                        _flag_for_consultant(post, check)
                        services.count_writing_check(posted_anyway=True)
                    return response
    return render(request, template, {**context, **extra})


# --- Reading ------------------------------------------------------------------------------------------
@require_GET
@forum_reader
def index(request):
    """The boards, with their thread counts and last activity (counters are read from the rows)."""
    boards = access.with_visible_counts(request.user, access.boards_visible_to(request.user))
    return render(request, "forum/index.html", {
        "boards": boards, "can_post": access.can_post(request.user),
        # The "My circles" link says how many circle invitations wait for an answer.
        "circle_invitations": access.circle_invitations_for(request.user).filter(status="pending").count(),
    })


@require_GET
@forum_reader
def board(request, slug):
    """A board's threads: pinned first, then by last activity, 25 a page, with unread markers."""
    board = access.get_board_for(request.user, slug)
    last_read = ThreadReadState.objects.filter(user=request.user, thread=OuterRef("pk")).values("last_read_number")
    threads = (
        access.threads_visible_to(request.user)
        .filter(board=board)
        .select_related("author", "community", "last_post__author")
        .annotate(last_read_number=Subquery(last_read[:1]))
        .order_by("-is_pinned", "-last_post_at", "-pk")
    )
    paginator = Paginator(threads, THREADS_PER_PAGE)
    # The number of threads from the counters kept on write (as the board list shows it), not a count of a
    # national forum's board at every page view.
    paginator.count = access.with_visible_counts(request.user, [board])[0].shown_thread_count
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = show_threads(list(page.object_list))
    return render(request, "forum/board.html", {
        "board": board, "page": page, "can_post": access.can_post(request.user),
    })


@require_GET
@forum_reader
def thread(request, thread_id):
    """A thread's posts in order, 20 a page; the reader's place is remembered and the view counted."""
    thread = access.get_thread_for(request.user, thread_id)
    user = request.user
    state = ThreadReadState.objects.filter(user=user, thread=thread).values_list("last_read_number", flat=True).first()
    last_read = state or 0
    # The reactions of the page's posts (with the reactors' pseudonyms) in one query, however many there are.
    posts = with_revision_counts(
        user, thread.posts.select_related("author").prefetch_related(reaction_prefetch()).order_by("number")
    )
    paginator = Paginator(posts, POSTS_PER_PAGE)
    # Posts are numbered 1..post_count under a lock and never removed (a deleted post keeps its place), so the
    # counter kept on write is the count.
    paginator.count = thread.post_count
    page = paginator.get_page(request.GET.get("page"))
    post_list = list(page.object_list)
    first_unread = last_read + 1 if last_read < thread.post_count else None
    first_unread_on_other_page = first_unread and not any(p.number == first_unread for p in post_list)
    can_post = access.can_post(user)
    if post_list:
        services.mark_thread_read(user=user, thread=thread, up_to_number=post_list[-1].number)
    if can_post:
        services.record_thread_view(user=user, thread=thread)
    moderation = moderation_context(user, thread)
    show_posts(post_list, user=user, thread=thread, last_read=last_read, can_post=can_post,
               can_moderate=moderation["can_moderate"])
    return render(request, "forum/thread.html", {
        "thread": thread,
        "board": thread.board,
        "page": page,
        "posts": post_list,
        "last_read": last_read,
        "first_unread": first_unread,
        "first_unread_url": _post_url(thread.pk, first_unread) if first_unread_on_other_page else "",
        "is_subscribed": Subscription.objects.filter(user=user, thread=thread).exists(),
        "can_post": can_post,
        "form": ReplyForm() if can_post and not thread.is_locked else None,
        **moderation,
    })


def _post_url(thread_id, number):
    from django.urls import reverse

    url = reverse("forum:thread", args=[thread_id])
    page = (number - 1) // POSTS_PER_PAGE + 1
    return (url + (f"?page={page}" if page > 1 else "")) + f"#post-{number}"


@require_GET
@forum_reader
def thread_unread(request, thread_id):
    """Go to the first post `request.user` has not read yet (or the last post when all are read)."""
    thread = access.get_thread_for(request.user, thread_id)
    state = ThreadReadState.objects.filter(user=request.user, thread=thread).values_list(
        "last_read_number", flat=True).first() or 0
    return redirect(_post_url(thread.pk, max(1, min(state + 1, thread.post_count))))


@require_GET
@forum_reader
def post(request, post_id):
    """A post's own address (notifications link here): goes to the thread page it is on."""
    post = access.get_post_for(request.user, post_id)
    return redirect(post.get_thread_url())


# --- Writing ------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@forum_writer
def thread_create(request, slug):
    board = access.get_board_for(request.user, slug)
    community = request.user.community if request.user.is_service_user else None
    form = NewThreadForm(request.POST if request.method == "POST" else None, community=community)

    def write(data):
        thread = services.start_thread(
            board=board, author=request.user, title=data["title"], body=data["body"],
            community=community if data.get("local_only") else None, submit_token=data.get("submit_token"),
        )
        messages.success(request, _("Your thread is posted. You will be told when someone replies."))
        return thread.last_post, redirect(thread.get_absolute_url())

    return compose(request, form, "forum/thread_form.html", {"board": board}, write=write,
                    check_text=lambda data: f"{data['title']}\n\n{data['body']}")


@require_http_methods(["GET", "POST"])
@forum_writer
def reply(request, thread_id):
    """The reply form on its own page: where a reply comes back for a preview, a check or an error."""
    thread = access.get_thread_for(request.user, thread_id)
    if thread.is_locked:
        messages.info(request, _("This thread is locked, so no new replies can be added."))
        return redirect(thread.get_absolute_url())
    # ?quote=<post id> starts the reply with that post as a blockquote (ignored when it is not quotable here).
    quote = quote_for_reply(request.user, thread, request.GET.get("quote")) if request.method == "GET" else ""
    form = ReplyForm(request.POST if request.method == "POST" else None, initial={"body": quote} if quote else None)

    def write(data):
        post = services.post_reply(
            thread=thread, author=request.user, body=data["body"], submit_token=data.get("submit_token"),
        )
        messages.success(request, _("Your reply is posted."))
        return post, redirect(post.get_thread_url())

    return compose(request, form, "forum/reply_form.html", {"thread": thread, "board": thread.board}, write=write)


@require_http_methods(["GET", "POST"])
@forum_writer
def post_edit(request, post_id):
    post = access.get_post_for_edit(request.user, post_id)
    form = EditPostForm(request.POST if request.method == "POST" else None, initial={"body": post.body})

    def write(data):
        services.edit_post(post=post, editor=request.user, body=data["body"])
        messages.success(request, _("Your changes are saved."))
        return post, redirect(post.get_thread_url())

    return compose(request, form, "forum/post_edit.html", {"post": post, "thread": post.thread}, write=write)


@require_http_methods(["GET", "POST"])
@forum_writer
def post_delete(request, post_id):
    post = access.get_post_for_edit(request.user, post_id)
    if request.method == "POST":
        services.delete_own_post(post=post, author=request.user)
        messages.success(request, _("Your post is deleted. Others now see that the author deleted it."))
        return redirect(post.get_thread_url())
    return render(request, "forum/post_delete.html", {"post": post, "thread": post.thread})


@require_POST
@forum_reader
def follow(request, thread_id):
    """Follow (follow=1) or stop following (follow=0) a thread."""
    thread = access.get_thread_for(request.user, thread_id)
    if request.POST.get("follow") == "1":
        services.subscribe(user=request.user, thread=thread)
        messages.success(request, _("You follow this thread now. You will be told about new replies."))
    else:
        services.unsubscribe(user=request.user, thread=thread)
        messages.success(request, _("You no longer follow this thread."))
    return redirect(thread.get_absolute_url())


@require_POST
@forum_writer
def preview(request):
    """The rendered, sanitised text as a partial (HTMX); the forms' Preview button works without it too."""
    form = PreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    return render(request, "forum/_preview.html", {"preview_html": render_markdown(body) if body.strip() else ""})


# --- Reporting a post to the consultant ------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@forum_writer
def post_report(request, post_id):
    """A member reports a post they can see to the service user consultant (GET: the form, POST: report).

    Reports are for members: the consultant moderates directly, so for them (and everyone but service users)
    this page does not exist.
    """
    if not request.user.is_service_user:
        raise Http404
    post = access.get_post_for(request.user, post_id)
    back = post.get_thread_url()
    refusal = services.why_not_reportable(post=post, reporter=request.user)
    if refusal:
        # Nothing to report here (your own post, or one already out of view): say why, on the thread page.
        messages.info(request, refusal)
        return redirect(back)
    if request.method == "GET" and services.already_reported(post=post, reporter=request.user):
        messages.info(request, services.ALREADY_REPORTED_MESSAGE)
        return redirect(back)
    form = PostReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_post(post=post, reporter=request.user, **form.cleaned_data)
        except services.ForumError as exc:
            # Already reported (the consultant has it) or refused: the reason, kindly, on the thread page.
            messages.info(request, exc.message)
            return redirect(back)
        messages.success(request, _("Thank you for telling us. The service user consultant will look at the post."))
        return redirect(back)
    return render(request, "forum/post_report.html", {"post": post, "thread": post.thread, "form": form})
