"""The toolbox in the admin. Admins do not read toolbox content (DESIGN.md: the crisis plan, network map,
medication notes and reflections are the service user's own), and shares are the user's to give and take back,
so neither is registered here. Admins edit what is the same for everyone: information pages and local links."""

from django.contrib import admin
from django.db import models

from reconnect.admin import admin_site
from toolbox.models import InfoPage, LocalLink


@admin.register(InfoPage, site=admin_site)
class InfoPageAdmin(admin.ModelAdmin):
    list_display = ("title_en", "title_nb", "slug", "order", "published", "updated_at")
    list_editable = ("order", "published")
    list_filter = ("published",)
    prepopulated_fields = {"slug": ("title_en",)}
    fieldsets = (
        (None, {"fields": ("slug", "order", "published")}),
        ("Norsk", {"fields": ("title_nb", "body_nb")}),
        ("English", {"fields": ("title_en", "body_en")}),
    )


@admin.register(LocalLink, site=admin_site)
class LocalLinkAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "category", "url")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("community", "category")
    search_fields = ("title", "description")


# --- Exercises: admins write and publish them here too (the consultant does it in the portal). Reflections are the
# service user's own and are not registered. An exercise someone has reflected on cannot be deleted (the admin says
# so); unpublish it instead.
from django.utils import timezone  # noqa: E402

from toolbox.models import Exercise, ExerciseQuestion, FeaturedExercise  # noqa: E402


class ExerciseQuestionInline(admin.TabularInline):
    model = ExerciseQuestion
    extra = 1
    max_num = 5
    fields = ("position", "text_en", "text_nb")


@admin.register(Exercise, site=admin_site)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("title_en", "title_nb", "category", "published", "updated_at")
    list_editable = ("published",)
    list_filter = ("published", "category")
    search_fields = ("title_en", "title_nb")
    inlines = [ExerciseQuestionInline]
    fieldsets = (
        (None, {"fields": ("category", "published")}),
        ("English", {"fields": ("title_en", "intro_en", "body_en")}),
        ("Norsk", {"fields": ("title_nb", "intro_nb", "body_nb")}),
    )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.written_by = request.user
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(FeaturedExercise, site=admin_site)
class FeaturedExerciseAdmin(admin.ModelAdmin):
    list_display = ("exercise", "community", "featured_from", "featured_until")
    list_filter = ("community",)
    fields = ("exercise", "community", "featured_from", "featured_until")
