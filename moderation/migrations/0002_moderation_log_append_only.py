from django.db import migrations

# Hand-written (keep it when migrations are regenerated): the moderation log is append-only. The database itself
# refuses UPDATE and DELETE on its rows, like the audit trail (reconnect 0002).
FORWARD = """
CREATE FUNCTION moderation_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the moderation log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER moderation_moderationlog_append_only
    BEFORE UPDATE OR DELETE ON moderation_moderationlog
    FOR EACH ROW EXECUTE FUNCTION moderation_log_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS moderation_moderationlog_append_only ON moderation_moderationlog;
DROP FUNCTION IF EXISTS moderation_log_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_queue_log_and_member_care")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
