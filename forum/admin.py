"""Boards are managed here. Threads and posts are peer-visible (not private) and shown read-only: changes to
them go through the forum's own services (and, later, the consultant's moderation), never the admin."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from forum.models import Board, Circle, Post, PostFlag, PostReport, Thread, WritingCheckDay
from reconnect.admin import admin_site


@admin.register(Board, site=admin_site)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_nb", "slug", "position", "is_active", "thread_count", "post_count", "last_post_at")
    list_editable = ("position", "is_active")
    ordering = ("position", "pk")
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ("thread_count", "post_count", "last_post_at")
    fieldsets = (
        (None, {"fields": ("slug", "position", "is_active")}),
        ("Norsk bokmål", {"fields": ("name_nb", "description_nb")}),
        ("English", {"fields": ("name_en", "description_en")}),
        (None, {"fields": ("thread_count", "post_count", "last_post_at")}),
    )


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Thread, site=admin_site)
class ThreadAdmin(_ReadOnlyAdmin):
    list_display = ("title", "board", "author", "community", "is_pinned", "is_locked", "reply_count", "last_post_at")
    list_filter = ("board", "is_pinned", "is_locked")
    list_select_related = ("board", "author", "community")

    def get_queryset(self, request):
        # Circles are closed groups: what is written in them is not the admin's to read.
        return super().get_queryset(request).filter(circle__isnull=True)


@admin.register(Post, site=admin_site)
class PostAdmin(_ReadOnlyAdmin):
    list_display = ("pk", "thread", "number", "author", "created_at", "edited_at", "deleted_by_author_at")
    list_select_related = ("thread", "author")
    exclude = ("body_html",)

    def get_queryset(self, request):
        # Circles are closed groups: what is written in them is not the admin's to read.
        return super().get_queryset(request).filter(thread__circle__isnull=True)


@admin.register(PostReport, site=admin_site)
class PostReportAdmin(_ReadOnlyAdmin):
    """Reports are read in the consultant's queue (the moderation issue); here only for support, read-only."""

    list_display = ("pk", "post", "reason", "created_at", "handled_at")
    list_filter = ("reason", "handled_at")
    list_select_related = ("post",)


@admin.register(PostFlag, site=admin_site)
class PostFlagAdmin(_ReadOnlyAdmin):
    list_display = ("pk", "post", "kind", "created_at", "handled_at")
    list_filter = ("kind",)
    list_select_related = ("post",)


@admin.register(WritingCheckDay, site=admin_site)
class WritingCheckDayAdmin(_ReadOnlyAdmin):
    list_display = ("day", "checked", "privacy_found", "crisis_found", "posted_anyway")


@admin.register(Circle, site=admin_site)
class CircleAdmin(_ReadOnlyAdmin):
    """Circles are closed groups: the admin sees only that they exist (name, when, how many members), never
    who is in them or what is written there."""

    list_display = ("name", "created_at", "member_count")
    fields = ("name", "created_at")
    ordering = ("-created_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count
