"""Messaging in the admin: counts and dates for support, read-only. Admins do not read messages, so no
subject, body or attachment content is shown here (the encrypted fields are left out of every page)."""

from django.contrib import admin

from messaging.models import Attachment, Conversation, Message, Participant
from reconnect.admin import admin_site


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Conversation, site=admin_site)
class ConversationAdmin(_ReadOnlyAdmin):
    list_display = ("pk", "kind", "created_at", "last_message_at", "message_count")
    list_filter = ("kind",)
    fields = ("kind", "created_at", "last_message_at", "message_count")


@admin.register(Participant, site=admin_site)
class ParticipantAdmin(_ReadOnlyAdmin):
    list_display = ("pk", "conversation", "joined_at", "last_read_number", "unread_count", "alerted_at")
    fields = ("conversation", "joined_at", "last_read_number", "last_read_at", "unread_count", "alerted_at")


@admin.register(Message, site=admin_site)
class MessageAdmin(_ReadOnlyAdmin):
    list_display = ("pk", "conversation", "number", "created_at", "edited_at", "withdrawn_at")
    fields = ("conversation", "number", "created_at", "edited_at", "withdrawn_at")


@admin.register(Attachment, site=admin_site)
class AttachmentAdmin(_ReadOnlyAdmin):
    list_display = ("pk", "content_type", "size", "created_at")
    fields = ("content_type", "size", "created_at")
