from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from reconnect import services
from reconnect.models import (
    AuditAction,
    AuditEvent,
    CareLink,
    Community,
    ConsentVersion,
    Invitation,
    Role,
    User,
)


class ReConnectAdminSite(OTPAdminSite):
    site_header = "ReConnect admin"
    site_title = "ReConnect admin"


admin_site = ReConnectAdminSite(name="admin")


# --- The core's models in the admin -------------------------------------------------------------------
# Nothing here shows message bodies or toolbox content: no inlines of feature apps are added to users.


class ReadOnlyAdminMixin:
    """Rows that are history: the admin may look, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Community, site=admin_site)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "slug"]
    search_fields = ["name", "municipality"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User, site=admin_site)
class UserAdmin(admin.ModelAdmin):
    """Accounts: made only by invitation, deactivated rather than deleted. No password hash, no private content."""

    list_display = ["pseudonym", "email", "role", "community", "is_active"]
    list_filter = ["role", "community", "is_active"]
    list_select_related = ["community"]
    search_fields = ["pseudonym", "email", "real_name"]
    ordering = ["pseudonym"]
    fields = ["email", "pseudonym", "real_name", "role", "community", "preferred_language", "is_active",
              "date_joined", "last_login"]
    readonly_fields = ["email", "date_joined", "last_login"]

    def has_add_permission(self, request):
        return False  # invitation-only: see /invitations/new/

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead; erasure has its own path that keeps forum posts anonymous

    def save_model(self, request, obj, form, change):
        # The admin role and access to this site go together, so changing the role is all an admin does.
        obj.is_staff = obj.is_superuser = obj.role == Role.ADMIN
        super().save_model(request, obj, form, change)


@admin.register(Invitation, site=admin_site)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Invitations are sent from /invitations/new/ (that is where the link is made). The token hash is never shown."""

    list_display = ["email", "role", "community", "invited_by", "created_at", "expires_at", "status_label",
                    "email_sent_at"]
    list_filter = ["role", "community"]
    list_select_related = ["community", "invited_by"]
    search_fields = ["email"]
    exclude = ["token_hash"]
    actions = ["revoke_selected"]

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return {
            "accepted": _("accepted"), "revoked": _("withdrawn"), "expired": _("expired"), "pending": _("waiting"),
        }[obj.status]

    @admin.action(description=_("Withdraw the selected invitations"))
    def revoke_selected(self, request, queryset):
        count = sum(services.revoke_invitation(invitation=inv, by=request.user) for inv in queryset)
        self.message_user(request, _("%(count)d invitation(s) withdrawn.") % {"count": count}, messages.SUCCESS)


@admin.register(CareLink, site=admin_site)
class CareLinkAdmin(admin.ModelAdmin):
    """History is kept: links are never edited or deleted, only ended. A new link goes through the service."""

    list_display = ["pk", "provider", "service_user", "started_at", "ended_at", "ended_by"]
    list_filter = [("ended_at", admin.EmptyFieldListFilter)]
    list_select_related = ["provider", "service_user", "ended_by"]
    search_fields = ["provider__pseudonym", "provider__real_name", "service_user__pseudonym",
                     "service_user__real_name"]
    autocomplete_fields = ["provider", "service_user"]
    actions = ["end_selected"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["provider", "service_user"]
        return ["provider", "service_user", "started_at", "ended_at", "ended_by"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["provider", "service_user", "started_at", "ended_at", "ended_by"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only once made
        link = services.create_care_link(provider=obj.provider, service_user=obj.service_user, by=request.user)
        obj.pk, obj.started_at = link.pk, link.started_at

    @admin.action(description=_("End the selected care links"))
    def end_selected(self, request, queryset):
        links = queryset.active().select_related("provider", "service_user")
        count = sum(services.end_care_link(link=link, by=request.user) for link in links)
        self.message_user(request, _("%(count)d care link(s) ended.") % {"count": count}, messages.SUCCESS)


@admin.register(ConsentVersion, site=admin_site)
class ConsentVersionAdmin(admin.ModelAdmin):
    """A version people have accepted is frozen; publish a new version to change the terms."""

    list_display = ["version", "published_at", "summary_en"]
    ordering = ["-version"]

    def _accepted(self, obj):
        return obj is not None and obj.acceptances.exists()

    def get_readonly_fields(self, request, obj=None):
        if self._accepted(obj):
            return ["version", "published_at", "summary_nb", "summary_en", "text_nb", "text_en"]
        return []

    def has_delete_permission(self, request, obj=None):
        return obj is None or not self._accepted(obj)


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The append-only audit trail (the database refuses changes too)."""

    list_display = ["created_at", "action", "actor", "subject_user", "object_type", "object_id", "detail"]
    list_filter = ["action"]
    list_select_related = ["actor", "subject_user"]
    search_fields = ["actor__pseudonym", "subject_user__pseudonym", "object_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False


class _LostDeviceAdmin(admin.ModelAdmin):
    """Shared by the two device admins: list and delete only, with an audit row for each deletion."""

    list_display = ["user", "name", "confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__pseudonym", "user__email"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = ["user", "name", "confirmed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _audit(self, request, device):
        services.record_audit_event(
            actor=request.user, subject_user=device.user, action=AuditAction.MFA_RESET,
            detail="device removed by an administrator",
        )

    def delete_model(self, request, obj):
        self._audit(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            self._audit(request, device)
        super().delete_queryset(request, queryset)


@admin.register(TOTPDevice, site=admin_site)
class TOTPDeviceAdmin(_LostDeviceAdmin):
    """Authenticator apps. When someone loses their phone, an admin deletes the device here (after making sure
    it is really them); at their next sign-in the person is asked to enrol a new one. The key is never shown."""


@admin.register(StaticDevice, site=admin_site)
class StaticDeviceAdmin(_LostDeviceAdmin):
    """Recovery codes. Deleting them together with the authenticator lets a person start their second factor
    again from scratch; the codes themselves are never shown."""


@admin.register(EmailAddress, site=admin_site)
class EmailAddressAdmin(AllauthEmailAddressAdmin):
    """allauth's addresses: useful when someone cannot sign in because an address is not verified."""
