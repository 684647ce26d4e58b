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
