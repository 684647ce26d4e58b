from pathlib import Path

from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend

from reconnect.devservers import var_dir


class ConsoleAndOutboxBackend(ConsoleBackend):
    """Development e-mail: printed to the console and kept as files under var/outbox/."""

    def send_messages(self, email_messages):
        outbox = Path(var_dir()) / "outbox"
        outbox.mkdir(exist_ok=True)
        FileBackend(file_path=str(outbox)).send_messages(email_messages)
        return super().send_messages(email_messages)
