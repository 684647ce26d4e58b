"""Attachments: PDF, PNG and JPEG told by their content, up to the size limit, stored encrypted under a random
name outside the web root, and downloaded only through the access-checked view."""

import pytest
from django.urls import reverse

from messaging import services
from messaging.models import Attachment, Message
from tests.messaging.conftest import upload
from tests.messaging.files import HTML_AS_PNG, JPEG, PDF, PNG


def stored_files(media_root):
    folder = media_root / "messaging"
    return sorted(folder.iterdir()) if folder.exists() else []


def reply_with(client, conversation, file):
    return client.post(reverse("messaging:reply", args=[conversation.pk]), {"body": "Here it is", "attachment": file})


@pytest.mark.parametrize("name,content,content_type", [
    ("scan.png", PNG, "image/png"), ("letter.pdf", PDF, "application/pdf"), ("photo.jpeg", JPEG, "image/jpeg"),
])
def test_a_real_png_pdf_or_jpeg_is_accepted_and_downloads_as_sent(
    alice_client, linked_provider_client, conversation, media_root, name, content, content_type
):
    response = reply_with(alice_client, conversation, upload(name, content, "application/octet-stream"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == content_type and attachment.size == len(content)
    assert attachment.original_name == name
    [path] = stored_files(media_root)
    assert path.name == attachment.stored_name and name not in path.name
    assert content not in path.read_bytes(), "the file is encrypted on disk"

    page = linked_provider_client.get(conversation.get_absolute_url()).content.decode()
    assert f"Download {name}" in page
    download = linked_provider_client.get(reverse("messaging:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert download.content == content
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"] == f'attachment; filename="{name}"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_png_that_is_really_html_is_refused_and_nothing_is_stored(alice_client, conversation, media_root):
    response = reply_with(alice_client, conversation, upload("cute.png", HTML_AS_PNG, "image/png"))
    assert response.status_code == 200
    assert "This kind of file cannot be sent" in response.content.decode()
    assert Message.objects.count() == 1 and not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(alice_client, conversation, media_root, settings):
    settings.MESSAGE_ATTACHMENT_MAX_BYTES = 1000
    response = reply_with(alice_client, conversation, upload("big.png", PNG + b"\0" * 1000))
    html = response.content.decode()
    assert "The file is too large." in html
    assert Message.objects.count() == 1 and stored_files(media_root) == []


def test_the_default_limit_is_10_megabytes(settings):
    assert settings.MESSAGE_ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024


def test_a_file_whose_name_lies_about_its_type_downloads_with_the_right_ending(alice, conversation):
    message = services.send_message(
        conversation=conversation, sender=alice, body="x", attachment=upload("../../etc/evil.html", PDF)
    )
    assert message.attachment.original_name == "evil.html.pdf"
    assert message.attachment.content_type == "application/pdf"


def test_a_new_conversation_can_carry_an_attachment(alice, alice_client, linked_provider):
    response = alice_client.post(reverse("messaging:conversation_create"), {
        "to": str(linked_provider.pk), "subject": "Letter", "body": "From the hospital", "attachment": upload(),
    })
    assert response.status_code == 302
    assert Attachment.objects.get().message.conversation.service_user == alice


def test_a_refused_file_in_a_new_conversation_stores_no_conversation(alice_client, linked_provider, media_root):
    alice_client.post(reverse("messaging:conversation_create"), {
        "to": str(linked_provider.pk), "subject": "Letter", "body": "x", "attachment": upload("a.pdf", b"MZ\x90\x00"),
    })
    assert not Message.objects.exists() and stored_files(media_root) == []


def test_withdrawing_a_message_removes_its_file(alice, alice_client, conversation, media_root, django_capture_on_commit_callbacks):
    message = services.send_message(conversation=conversation, sender=alice, body="x", attachment=upload())
    attachment_url = reverse("messaging:attachment", args=[message.attachment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_message(message=message, by=alice)
    assert not Attachment.objects.exists() and stored_files(media_root) == []
    assert alice_client.get(attachment_url).status_code == 404


@pytest.mark.parametrize("client_name", ["bob_client", "unlinked_provider_client", "consultant_client", "admin_client"])
def test_others_get_404_for_the_attachment(alice, conversation, client_name, request):
    message = services.send_message(conversation=conversation, sender=alice, body="x", attachment=upload())
    response = request.getfixturevalue(client_name).get(reverse("messaging:attachment", args=[message.attachment.pk]))
    assert response.status_code == 404


def test_the_media_folder_is_not_served_by_any_url(alice, alice_client, conversation, settings):
    message = services.send_message(conversation=conversation, sender=alice, body="x", attachment=upload())
    for prefix in ("/media/", "/media/messaging/", "/static/messaging/", "/messaging/"):
        assert alice_client.get(prefix + message.attachment.stored_name).status_code == 404


def test_a_failure_after_the_file_was_written_leaves_no_orphan_file(alice, conversation, media_root, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away mid-write")

    monkeypatch.setattr(services, "mark_conversation_read", broken)
    with pytest.raises(RuntimeError):
        services.send_message(conversation=conversation, sender=alice, body="x", attachment=upload())
    assert stored_files(media_root) == []
    assert not Attachment.objects.exists() and Message.objects.filter(conversation=conversation).count() == 1
