from django.db import migrations, models


class Migration(migrations.Migration):
    """Remember when an invitation e-mail went out, so a retried task sends it once."""

    dependencies = [
        ("reconnect", "0003_first_terms"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="email_sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
