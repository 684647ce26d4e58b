from django.urls import include, path

from reconnect.admin import admin_site
from reconnect.views import account, audit, carelinks, consent, home, invitations, mfa, notifications

urlpatterns = [
    path("", home.home, name="home"),
    path("i18n/setlang/", account.set_language, name="set_language"),
    path("account/", account.account_settings, name="account_settings"),
    path("account/sessions/<int:session_id>/end/", account.end_session, name="usersession_end"),
    # Second factor (django-otp)
    path("mfa/setup/", mfa.setup, name="mfa_setup"),
    path("mfa/verify/", mfa.verify, name="mfa_verify"),
    path("mfa/recovery/", mfa.recovery, name="mfa_recovery"),
    path("mfa/", mfa.manage, name="mfa_manage"),
    path("mfa/recovery-codes/", mfa.recovery_codes, name="mfa_recovery_codes"),
    # Terms
    path("consent/", consent.consent, name="consent"),
    # Notifications
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read-all/", notifications.mark_all_read, name="notifications_read_all"),
    path("notifications/<int:notification_id>/", notifications.open_notification, name="notification_open"),
    path("notifications/settings/", notifications.preferences, name="notification_preferences"),
    # Who has seen my data
    path("my-data/access-log/", audit.access_log, name="access_log"),
    # Invitations and care links
    path("invitations/", invitations.invitation_list, name="invitations"),
    path("invitations/new/", invitations.invitation_create, name="invitation_create"),
    path("invitations/<int:invitation_id>/revoke/", invitations.invitation_revoke, name="invitation_revoke"),
    path("invite/<str:token>/", invitations.accept, name="invitation_accept"),
    path("care-team/", carelinks.care_team, name="care_team"),
    path("care-team/<int:link_id>/end/", carelinks.end_link, name="care_link_end"),
    # Feature apps
    path("forum/", include("forum.urls")),
    path("messages/", include("messaging.urls")),
    path("toolbox/", include("toolbox.urls")),
    path("cafes/", include("cafes.urls")),
    path("moderation/", include("moderation.urls")),
    # Accounts (allauth: login, logout, password reset, e-mail, sessions). Sign-up is closed.
    path("accounts/", include("allauth.urls")),
    path("admin/", admin_site.urls),
]

