"""`manage.py rotate_encryption_keys` moves messaging to the newest key: subjects, bodies and the attachment
files on disk. After the old key is removed everything still reads; with only the old key nothing does, and
nothing ever comes back as ciphertext."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from messaging import services
from messaging.models import Attachment, Conversation, Message
from reconnect.fields import DecryptionError
from tests.messaging.conftest import upload
from tests.messaging.files import PDF, PNG

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


@pytest.fixture
def written_with_the_old_key(settings, alice, linked_provider):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    conversation = services.start_conversation(
        author=alice, to=linked_provider, subject="My new medicine", body="A photo of the box",
        attachment=upload(),
    )
    services.send_message(conversation=conversation, sender=linked_provider, body="Thank you, see the leaflet",
                          attachment=upload("leaflet.pdf", PDF, "application/pdf"))
    return conversation


def rotate():
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    return out.getvalue()


def test_rotation_moves_subjects_bodies_and_files_to_the_new_key(
    settings, written_with_the_old_key, alice_client, media_root
):
    conversation = written_with_the_old_key
    first = conversation.messages.get(number=1)
    files = {a.pk: (media_root / "messaging" / a.stored_name) for a in Attachment.objects.all()}
    before = {pk: path.read_bytes() for pk, path in files.items()}

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    output = rotate()
    assert "messaging.Conversation: 1 rows re-encrypted" in output
    assert "messaging.Message: 2 rows re-encrypted" in output
    assert "messaging attachments: 2 files re-encrypted" in output
    assert all(path.read_bytes() != before[pk] for pk, path in files.items())
    assert not list((media_root / "messaging").glob(".*")), "no temporary file is left behind"

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert Conversation.objects.get(pk=conversation.pk).subject == "My new medicine"
    assert Message.objects.get(pk=first.pk).body == "A photo of the box"
    picture = Attachment.objects.get(message=first)
    assert services.attachment_content(picture) == PNG
    response = alice_client.get(picture.get_absolute_url())
    assert response.status_code == 200 and response.content == PNG
    page = alice_client.get(conversation.get_absolute_url()).content.decode()
    assert "My new medicine" in page and "Thank you, see the leaflet" in page


def test_after_rotation_the_old_key_alone_reads_nothing_and_never_returns_ciphertext(
    settings, written_with_the_old_key, alice_client, media_root
):
    conversation = written_with_the_old_key
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    rotate()

    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    with pytest.raises(DecryptionError):
        Conversation.objects.get(pk=conversation.pk)
    with pytest.raises(DecryptionError):
        Message.objects.filter(conversation=conversation).first()
    attachment = Attachment.objects.order_by("pk").first()  # the model itself holds nothing encrypted
    with pytest.raises(DecryptionError):
        services.attachment_content(attachment)
    # The download fails with a server error (a server with the wrong keys is broken: the error is logged for the
    # operator) rather than hand out the encrypted bytes.
    stored = (media_root / "messaging" / attachment.stored_name).read_bytes()
    alice_client.raise_request_exception = False
    response = alice_client.get(attachment.get_absolute_url())
    assert response.status_code == 500 and stored[:40] not in response.content


def test_a_file_missing_on_disk_is_reported_and_the_rest_still_rotate(settings, written_with_the_old_key, media_root):
    gone = Attachment.objects.order_by("pk").first()
    (media_root / "messaging" / gone.stored_name).unlink()
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    output = rotate()
    assert "messaging attachments: 1 files re-encrypted (1 listed but not on disk, skipped)" in output
    assert not (media_root / "messaging" / gone.stored_name).exists()
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert services.attachment_content(Attachment.objects.order_by("pk").last()) == PDF


def test_rotating_twice_is_harmless(settings, written_with_the_old_key):
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    rotate()
    rotate()
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert Conversation.objects.get(pk=written_with_the_old_key.pk).subject == "My new medicine"
    assert services.attachment_content(Attachment.objects.order_by("pk").first()) == PNG
