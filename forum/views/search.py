"""Searching the forum: GET /forum/search/?q=words&page=2."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from forum import search
from forum.views import forum_reader


@require_GET
@forum_reader
def search_page(request):
    """The search box, and the posts the reader may see that match their words, best first, 20 a page.

    An empty search shows tips; a search that is too long, or has only very common words, says so; a page
    number that is not one shows the nearest page. Queries: two to check the words, one to count, one for the page.
    """
    form = search.SearchForm(request.GET or None, auto_id="forum-search-%s")
    context = {"form": form, "q": "", "searched": False, "page": None, "refusal": None}
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        context["q"] = form.cleaned_data["q"]
        words, context["refusal"] = search.searchable_words(context["q"])
        if words:
            posts = search.search_posts(request.user, words)
            page = Paginator(posts, search.RESULTS_PER_PAGE).get_page(request.GET.get("page"))
            page.object_list = search.prepare_results(list(page.object_list))
            context["page"], context["searched"] = page, True
            context["newest_only"] = page.paginator.count >= search.NEWEST_MATCHES
    return render(request, "forum/search.html", context)
