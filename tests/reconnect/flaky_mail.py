"""A test e-mail backend whose server refuses the first message, like an SMTP server having a bad moment.

Not a mock of anything the portal runs: it stands in for the mail server only, and delivers to Django's
in-memory outbox once it has failed `failures` times.
"""

import smtplib
import threading

from django.core.mail.backends.locmem import EmailBackend


class FailOnceBackend(EmailBackend):
    failures = 1
    attempts = 0
    _lock = threading.Lock()

    @classmethod
    def reset(cls, failures=1):
        cls.failures = failures
        cls.attempts = 0

    def send_messages(self, messages):
        with self._lock:
            type(self).attempts += 1
            fail = type(self).attempts <= type(self).failures
        if fail:
            raise smtplib.SMTPServerDisconnected("the test mail server hung up")
        return super().send_messages(messages)
