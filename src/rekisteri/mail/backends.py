"""The file outbox: Django's email backend when no EMAIL_URL is set (the demo's default).

Each message is written to one `.eml` file under EMAIL_FILE_PATH (`REKISTERI_HOME/mail/`),
readable by the operator with any mail reader, and nothing is printed: Django's console
backend would put every address on the server's stdout (issue 14, item 10). A file's name
starts with a keyed hash of its recipient's address, so that erasure finds and removes a
person's files (`outbox.mail_forget`) without the name telling whose they are.
"""

from __future__ import annotations

import os
import uuid
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from rekisteri.mail.outbox import recipient_hash


class FileOutbox(BaseEmailBackend):
    def __init__(self, *args: Any, file_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages: Any) -> int:
        if not email_messages:
            return 0
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        sent = 0
        for message in email_messages:
            data = message.message().as_bytes(linesep="\n")
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
            for _name, address in getaddresses(message.recipients()):
                name = f"{recipient_hash(address)[:32]}-{stamp}-{uuid.uuid4().hex[:8]}.eml"
                tmp = self.folder / f".{name}.tmp"
                # Written whole, then renamed: a reader never sees half a message.
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                tmp.replace(self.folder / name)
            sent += 1
        return sent
