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
    shares = Share.objects.order_by("module")
    assert [(s.owner.pseudonym, s.provider.pseudonym, s.module) for s in shares] == [
        ("Snowfinch", "nordvik-care", "crisis_plan"), ("Snowfinch", "nordvik-care", "goals")]
    assert AuditEvent.objects.filter(action=AuditAction.SHARE_GRANTED).count() == 2


def test_demo_data_brings_tors_two_goals_and_a_week_of_activities_once(db):
    from toolbox.models import Activity, Goal

    call_command("demo_data", stdout=StringIO())
    load_demo(users_by_pseudonym={user.pseudonym: user for user in User.objects.all()})
    assert sorted(Goal.objects.values_list("status", flat=True)) == ["not_started", "under_way"]
    assert Activity.objects.count() == 5 and Activity.objects.filter(done_at__isnull=False).count() == 1
