from django.contrib import admin

from moderation.models import ModerationLog, QueueItem


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seen in the admin, changed only through the portal (the log cannot be changed at all)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationLog)
class ModerationLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "subject_user", "target_type", "target_id", "reason")
    list_filter = ("action",)
    list_select_related = ("actor", "subject_user")


@admin.register(QueueItem)
class QueueItemAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "state", "community", "created_at", "done_at")
    list_filter = ("kind", "state")
    list_select_related = ("community",)
