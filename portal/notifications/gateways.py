"""SMS gateways of the notification outbox: the HTTP gateway (production) and a JSON-lines file
(development and tests), chosen by SMS_BACKEND. `services.deliver` calls the chosen one."""

import fcntl
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The gateway did not accept the message; the task retries."""


@dataclass(frozen=True)
class Sms:
    to: str
    text: str
    reference: str  # the notice's dedupe key: the gateway's idempotency key


class HttpSmsGateway:
    """Production: POST {"to", "text", "reference"} as JSON to SMS_GATEWAY_URL with a bearer
    token. The reference travels as `Idempotency-Key`, so a gateway that honours it drops the
    resend of a message whose acknowledgement was lost."""

    def __init__(self, url: str = "", token: str = "", timeout: float = 0) -> None:
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = token or settings.SMS_GATEWAY_TOKEN
        self.timeout = timeout or settings.SMS_GATEWAY_TIMEOUT
        if not self.url.startswith(("https://", "http://")):
            raise SmsError("SMS_GATEWAY_URL must be an http(s) address")

    def send(self, sms: Sms) -> None:
        body = json.dumps({"to": sms.to, "text": sms.text, "reference": sms.reference}).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": sms.reference,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            # Never the phone number or the text in the error: it ends up in the admin and logs.
            raise SmsError(f"gateway answered HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {type(exc).__name__}") from None
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered HTTP {status}")


class FileSmsGateway:
    """Development and tests: one JSON line per message in SMS_FILE_PATH (var/sms-outbox.jsonl)."""

    def __init__(self, path: Path | None = None, delay: float | None = None):
        self.path = Path(path or settings.SMS_FILE_PATH)
        self.delay = settings.SMS_FILE_DELAY_SECONDS if delay is None else delay

    def send(self, sms: Sms) -> None:
        if self.delay:
            time.sleep(self.delay)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {
                "to": sms.to,
                "text": sms.text,
                "reference": sms.reference,
                "at": timezone.now().isoformat(),
            },
            ensure_ascii=False,
        )
        with self.path.open("a", encoding="utf-8") as sink:
            fcntl.flock(sink, fcntl.LOCK_EX)
            sink.write(line + "\n")
            sink.flush()


SMS_BACKENDS = {"file": FileSmsGateway, "http": HttpSmsGateway}


def sms_gateway() -> Any:
    """The gateway named by SMS_BACKEND: "file", "http", or a dotted path to a class."""
    name = settings.SMS_BACKEND
    cls = SMS_BACKENDS.get(name) or import_string(name)
    return cls()
