from django.contrib import admin
from django_otp.admin import OTPAdminSite


class ReConnectAdminSite(OTPAdminSite):
    site_header = "ReConnect admin"
    site_title = "ReConnect admin"


admin_site = ReConnectAdminSite(name="admin")
