import datetime

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django.urls import reverse
from django.utils import timezone

from reconnect.models import AuditAction, AuditEvent, CareLink
from reconnect.services import record_audit_event
from tests.factories import CareLinkFactory, ProviderFactory, UserFactory


def log_html(client, page=None):
    url = reverse("access_log") + (f"?page={page}" if page else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def viewed_row(alice, linked_provider):
    event = record_audit_event(actor=linked_provider, subject_user=alice, action=AuditAction.SHARED_VIEWED,
                               obj=CareLink.objects.get(provider=linked_provider, service_user=alice))
    return event


def test_updating_an_audit_row_through_sql_is_refused_by_the_database(viewed_row):
    with pytest.raises((InternalError, ProgrammingError)):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE reconnect_auditevent SET detail = 'changed' WHERE id = %s", [viewed_row.pk]
            )
    viewed_row.refresh_from_db()
    assert viewed_row.detail == ""


def test_deleting_an_audit_row_through_sql_is_refused_by_the_database(viewed_row):
    with pytest.raises((InternalError, ProgrammingError)):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM reconnect_auditevent WHERE id = %s", [viewed_row.pk])
    assert AuditEvent.objects.filter(pk=viewed_row.pk).exists()


def test_deleting_through_the_orm_is_refused_as_well(viewed_row):
    with pytest.raises((InternalError, ProgrammingError)):
        with transaction.atomic():
            AuditEvent.objects.filter(pk=viewed_row.pk).delete()
    assert AuditEvent.objects.filter(pk=viewed_row.pk).exists()


def test_the_person_sees_their_own_provider_by_name_when_they_viewed_shared_content(viewed_row, alice_client):
    html = log_html(alice_client)
    assert "Carol Dahl (your provider) viewed your care link" in html
    local = timezone.localtime(viewed_row.created_at)
    assert f"at {local:%H:%M}" in html


def test_a_provider_who_is_no_longer_linked_is_still_named_to_the_person(viewed_row, alice, linked_provider,
                                                                         alice_client):
    CareLink.objects.filter(provider=linked_provider).update(ended_at=timezone.now())
    assert "Carol Dahl (your provider) viewed" in log_html(alice_client)


def test_other_people_are_shown_by_role_never_by_name(
    alice, bob, consultant, unlinked_provider, alice_client
):
    record_audit_event(actor=bob, subject_user=alice, action=AuditAction.MODERATION)
    record_audit_event(actor=consultant, subject_user=alice, action=AuditAction.MODERATION)
    record_audit_event(actor=unlinked_provider, subject_user=alice, action=AuditAction.SHARED_VIEWED)
    record_audit_event(actor=alice, subject_user=alice, action=AuditAction.DATA_EXPORTED)
    html = log_html(alice_client)
    secrets = ("Bob Berg", "bob@example.test", "Driftwood", "Erin Fjell", "erin@example.test", "Dave Eik")
    for secret in secrets:
        assert secret not in html
    assert "Another member took a moderation step on your data" in html
    assert "The service user consultant took a moderation step" in html
    assert "A health provider viewed your data" in html
    assert "You downloaded your data" in html


def test_the_log_shows_only_rows_about_the_person_newest_first(alice, bob, linked_provider, alice_client):
    now = timezone.now()
    record_audit_event(actor=linked_provider, subject_user=alice, action=AuditAction.SHARE_GRANTED)
    # Rows are append-only, so an older row is made with its time already set.
    AuditEvent.objects.create(actor=linked_provider, subject_user=alice, action=AuditAction.SHARED_VIEWED,
                              created_at=now - datetime.timedelta(days=3))
    record_audit_event(actor=bob, subject_user=bob, action=AuditAction.DATA_EXPORTED)
    html = log_html(alice_client)
    assert "downloaded" not in html
    assert html.index("started sharing") < html.index("viewed your data")


def test_the_log_is_paginated(alice, linked_provider, alice_client):
    for _ in range(30):
        record_audit_event(actor=linked_provider, subject_user=alice, action=AuditAction.SHARED_VIEWED)
    assert log_html(alice_client).count("Carol Dahl (your provider) viewed") == 25
    second = log_html(alice_client, page=2)
    assert second.count("Carol Dahl (your provider) viewed") == 5
    assert "Page 2 of 2" in second
    assert log_html(alice_client, page="nonsense").count("viewed") >= 25


def test_a_provider_sees_no_rows_about_their_patient_on_their_own_log(viewed_row, linked_provider_client):
    html = log_html(linked_provider_client)
    assert "viewed your care link" not in html
    assert "Alice Aasen" not in html


def test_the_access_log_uses_the_same_number_of_queries_for_few_and_many_rows(
    alice, alice_client, django_assert_max_num_queries
):
    def add_rows(count):
        for _ in range(count):
            provider = ProviderFactory()
            CareLinkFactory(provider=provider, service_user=alice)
            record_audit_event(actor=provider, subject_user=alice, action=AuditAction.SHARED_VIEWED)
            record_audit_event(actor=UserFactory(), subject_user=alice, action=AuditAction.MODERATION)

    add_rows(2)
    alice_client.get(reverse("home"))  # the first request of a session records it (allauth usersessions)
    with django_assert_max_num_queries(16) as small:
        alice_client.get(reverse("access_log"))
    add_rows(20)
    with django_assert_max_num_queries(16) as large:
        alice_client.get(reverse("access_log"))
    assert len(small.captured_queries) == len(large.captured_queries)
