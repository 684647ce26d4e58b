"""Cafés and answers in the admin, read-only, by pseudonym. Changes go through the portal's own café pages
(cafes.services): moving or cancelling a café tells everyone who answered, and a freed place goes to the first
person on the waitlist. An edit in the admin would skip both, so the admin only looks (and links to the page)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cafes.models import Cafe, Rsvp
from reconnect.admin import admin_site


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Cafe, site=admin_site)
class CafeAdmin(_ReadOnlyAdmin):
    list_display = ("title", "community", "starts_at", "venue_name", "status", "capacity", "going_count",
                    "maybe_count", "waitlist_count", "host_pseudonym")
    list_filter = ("community", "status", "open_to_visitors")
    list_select_related = ("community", "host")
    search_fields = ("title", "venue_name")
    date_hierarchy = "starts_at"
    fields = ("title", "community", "starts_at", "ends_at", "venue_name", "address", "getting_there",
              "accessibility", "entrance", "capacity", "host_pseudonym", "topic", "what_to_expect",
              "open_to_visitors", "status", "cancelled_at", "going_count", "maybe_count", "waitlist_count",
              "created_at", "updated_at")
    readonly_fields = ("host_pseudonym",)

    @admin.display(description=_("host"), ordering="host__pseudonym")
    def host_pseudonym(self, cafe):
        return cafe.host.pseudonym if cafe.host else "-"


@admin.register(Rsvp, site=admin_site)
class RsvpAdmin(_ReadOnlyAdmin):
    list_display = ("pk", "cafe", "pseudonym", "answer", "waitlisted_at", "show_me", "updated_at")
    list_filter = ("answer", "show_me")
    list_select_related = ("cafe", "user")
    search_fields = ("user__pseudonym", "cafe__title")
    fields = ("cafe", "pseudonym", "answer", "waitlisted_at", "show_me", "created_at", "updated_at")
    readonly_fields = ("pseudonym",)

    @admin.display(description=_("pseudonym"), ordering="user__pseudonym")
    def pseudonym(self, rsvp):
        return rsvp.user.pseudonym
