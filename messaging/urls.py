from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.conversation_create, name="conversation_create"),
    path("settings/", views.reply_time_settings, name="settings"),
    path("<int:conversation_id>/", views.conversation, name="conversation"),
    path("<int:conversation_id>/reply/", views.reply, name="reply"),
    path("message/<int:message_id>/edit/", views.message_edit, name="message_edit"),
    path("message/<int:message_id>/withdraw/", views.message_withdraw, name="message_withdraw"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
