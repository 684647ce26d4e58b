"""Member profiles: a member's pseudonym, join month, a few words about them, their community only if they
chose to show it, and the posts of theirs the viewer may read. Never a real name or e-mail."""

import html

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from forum import access, services
from forum.checks import run_writing_checks
from forum.forms import MemberProfileForm
from forum.models import ABOUT_ME_MAX, MemberProfile
from forum.views import forum_reader, forum_writer

PROFILE_POSTS_PER_PAGE = 20
EXCERPT_CHARS = 200


def _profile_of(member):
    """The member's saved profile, or an empty unsaved one: reading a profile never writes a row."""
    try:
        return member.forum_profile
    except ObjectDoesNotExist:
        return MemberProfile(user=member)


def _excerpt(post):
    """A short plain-text excerpt of the post (from its sanitised HTML), escaped again by the template."""
    text = " ".join(html.unescape(strip_tags(post.body_html)).split())
    return Truncator(text).chars(EXCERPT_CHARS)


@require_GET
@forum_reader
def member(request, pseudonym):
    """A member's profile by pseudonym (any letter case). Providers, admins and unknown names answer 404."""
    member = access.get_member_for(request.user, pseudonym)
    posts = (
        access.posts_visible_to(request.user)
        .filter(author=member)
        .select_related("thread", "thread__board", "thread__circle")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(posts, PROFILE_POSTS_PER_PAGE).get_page(request.GET.get("page"))
    post_list = list(page.object_list)
    for post in post_list:
        post.excerpt = _excerpt(post)
    return render(request, "forum/member.html", {
        "member": member,
        "profile": _profile_of(member),
        "is_me": member.pk == request.user.pk,
        "page": page,
        "posts": post_list,
    })


@require_http_methods(["GET", "POST"])
@forum_writer
def profile_edit(request):
    """The signed-in member edits their about-me text and whether their community shows.

    Like posting, the about-me text goes through the privacy check first: if it finds identifying details,
    the form comes back with what was found, and "Save anyway" (confirmed=1) saves it as it is.
    """
    user = request.user
    profile = _profile_of(user)
    community = user.community if user.is_service_user else None
    initial = {"about_me": profile.about_me, "show_community": profile.show_community}
    form = MemberProfileForm(request.POST if request.method == "POST" else None, initial=initial, community=community)
    writing_check = None
    crisis_found = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check = run_writing_checks(data["about_me"], community=user.community) if data["about_me"] else None
        if check and check.needs_attention and not data.get("confirmed"):
            # Only the privacy part is shown as findings; crisis language gets its own calm note (an about-me
            # text is not a post, so the consultant is not told about it).
            writing_check = type(check)(privacy_findings=check.privacy_findings)
            crisis_found = check.is_crisis
        else:
            try:
                services.update_member_profile(
                    user=user, about_me=data["about_me"], show_community=data.get("show_community", False),
                )
            except services.ForumError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("forum:member", pseudonym=user.pseudonym)
    about_text = form["about_me"].value() or ""
    return render(request, "forum/profile_edit.html", {
        "form": form,
        "writing_check": writing_check,
        "crisis_found": crisis_found,
        "community": community,
        "about_me_max": ABOUT_ME_MAX,
        "about_me_length": len(about_text.replace("\r\n", "\n").strip()),
    })
