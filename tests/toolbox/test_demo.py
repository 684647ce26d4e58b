from io import StringIO

from django.core.management import call_command

from reconnect.models import AuditAction, AuditEvent, User
from toolbox.demo import load_demo
from toolbox.models import CrisisPlan, Share


def test_demo_data_brings_tors_filled_crisis_plan_shared_with_kari_once(db):
    call_command("demo_data", stdout=StringIO())
    users = {user.pseudonym: user for user in User.objects.all()}
    load_demo(users_by_pseudonym=users)  # again: nothing more

    plan = CrisisPlan.objects.get()
    assert plan.owner.pseudonym == "Snowfinch" and "northern lights" in plan.reasons_for_living
    assert [c.name for c in plan.contacts.filter(step=5)] == [
        "Kari Lund", "Out-of-hours doctor (legevakt)", "Mental Helse"]
    share = Share.objects.get()
    assert (share.owner.pseudonym, share.provider.pseudonym, share.module) == ("Snowfinch", "nordvik-care", "crisis_plan")
    assert AuditEvent.objects.filter(action=AuditAction.SHARE_GRANTED).count() == 1
