import pytest
from cryptography.fernet import Fernet

from reconnect.fields import DecryptionError, EncryptedTextField, decrypt_text, encrypt_text, rotate_token

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def test_encrypted_text_round_trips_and_is_not_plain(settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    token = encrypt_text("my warning signs: sleeping badly")
    assert "warning" not in token
    assert decrypt_text(token) == "my warning signs: sleeping badly"


def test_a_value_written_with_an_old_key_still_reads_after_a_new_key_is_added(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    token = encrypt_text("written last year")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert decrypt_text(token) == "written last year"


def test_rotation_moves_a_value_to_the_newest_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    token = encrypt_text("rotate me")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    rotated = rotate_token(token)
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert decrypt_text(rotated) == "rotate me"
    with pytest.raises(DecryptionError):
        decrypt_text(token)


def test_decryption_with_the_wrong_key_raises_instead_of_returning_ciphertext(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    token = encrypt_text("secret")
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    field = EncryptedTextField()
    with pytest.raises(DecryptionError):
        field.from_db_value(token, None, None)
    with pytest.raises(DecryptionError):
        decrypt_text("not a token at all")


def test_empty_values_stay_empty(settings):
    field = EncryptedTextField()
    assert field.get_prep_value("") == ""
    assert field.from_db_value(None, None, None) is None
