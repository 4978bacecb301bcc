"""Mail to files on the embedded default: one ``.eml`` file per message.

Django's file backend appends every message of a connection to one ``.log``
file, so a mailing to three people is one file and a newcomer cannot tell
who got what. Here each message (each recipient of a mailing, each receipt)
is its own RFC 5322 file that any mail program opens, named by time and a
random suffix (no address in the name).
"""

from __future__ import annotations

import datetime
import os
import uuid

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def _new_filename(self) -> str:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
        return os.path.join(self.file_path, f"{stamp}-{uuid.uuid4().hex[:12]}.eml")

    def send_messages(self, email_messages) -> int:
        sent = 0
        with self._lock:
            for message in email_messages or []:
                if not message.recipients():
                    continue
                final = self._new_filename()
                partial = final + ".part"  # readers never see half a message
                try:
                    with open(partial, "xb") as stream:
                        stream.write(message.message().as_bytes())
                    os.replace(partial, final)
                except OSError:
                    if not self.fail_silently:
                        raise
                    continue
                sent += 1
        return sent
