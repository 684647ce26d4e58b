"""Support reactions: "thank you", "hug" and "me too" on a post."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from forum import access, services
from forum.reactions import prefetch_reactions
from forum.views import forum_writer
from forum.views.rows import show_reactions


@require_POST
@forum_writer
def react(request, post_id):
    """Give or take back a reaction: reaction=<kind>:1 gives it, <kind>:0 takes it back (the thread page's buttons
    send their own); the same form sent twice leaves one reaction, not none.

    With htmx the answer is the post's reaction block alone; without JavaScript, a redirect back to the post.
    A refusal (a hidden post, one's own post) is said in the block, or as a message on the thread page.
    """
    post = access.get_post_for(request.user, post_id)
    kind, _colon, on_text = request.POST.get("reaction", "").partition(":")
    on = {"1": True, "0": False}.get(on_text)
    if on is None:
        kind = ""  # refused below, as any reaction that is not one of the three
    error = ""
    try:
        services.toggle_reaction(post=post, user=request.user, kind=kind, on=on)
    except services.ForumError as exc:
        error = exc.message
    if request.htmx:
        post.refresh_from_db(fields=["thanks_count", "hug_count", "me_too_count"])
        prefetch_reactions([post])
        show_reactions(post, user=request.user, can_post=access.can_post(request.user))
        return render(request, "forum/_post_reactions.html", {"post": post, "reaction_error": error})
    if error:
        messages.info(request, error)
    return redirect(post.get_thread_url())
