from functools import cache

from moderation import access
from moderation.duty import is_on_duty


def workspace(request):
    """The queue's count for the navigation (consultant and admins) and whether the consultant is off duty (for
    the forum's kind line). Both are callables the template calls only where it uses them: other pages pay
    nothing; the count is one query, the duty hours come from the cache."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context = {"consultant_off_duty": cache(lambda: not is_on_duty())}
    if access.can_use_workspace(user):
        context["moderation_queue_count"] = cache(lambda: access.open_item_count(user))
    return context
