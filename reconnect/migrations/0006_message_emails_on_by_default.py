"""The "you have a new message" e-mail becomes a choice on the notification settings page, on by default.

Until now everyone got it, so every existing account gets the "message" kind: nobody stops receiving it
without having chosen to.
"""

import django.contrib.postgres.fields
from django.db import migrations, models

import reconnect.models


class Migration(migrations.Migration):

    dependencies = [
        ("reconnect", "0005_user_unread_messages_and_reply_time"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="email_notification_kinds",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=40), blank=True,
                default=reconnect.models.default_email_notification_kinds, size=None,
                verbose_name="e-mail me about",
            ),
        ),
        migrations.RunSQL(
            sql="""
                UPDATE reconnect_user SET email_notification_kinds = array_append(email_notification_kinds, 'message')
                WHERE NOT ('message' = ANY(email_notification_kinds))
            """,
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
