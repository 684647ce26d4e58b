from django.db import migrations

# The audit trail is append-only: the database itself refuses UPDATE and DELETE on its rows.
FORWARD = """
CREATE FUNCTION reconnect_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER reconnect_auditevent_append_only
    BEFORE UPDATE OR DELETE ON reconnect_auditevent
    FOR EACH ROW EXECUTE FUNCTION reconnect_audit_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS reconnect_auditevent_append_only ON reconnect_auditevent;
DROP FUNCTION IF EXISTS reconnect_audit_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("reconnect", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
