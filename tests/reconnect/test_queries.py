from django.db import connection, transaction

from reconnect.models import User
from reconnect.queries import fetched_in_written_join_order


def _setting():
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


def test_rows_are_fetched_with_the_join_order_as_written_and_the_setting_does_not_outlive_them(alice):
    default = _setting()
    assert default != "1"
    rows = fetched_in_written_join_order(
        User.objects.raw("SELECT id, current_setting('join_collapse_limit') AS planner FROM reconnect_user"))
    assert [row.planner for row in rows] == ["1"] * len(rows) and rows
    # Inside a longer transaction (a POST that goes on to write) the rest of it is planned as usual again.
    with transaction.atomic():
        fetched_in_written_join_order(User.objects.all())
        assert _setting() == default
