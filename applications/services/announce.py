"""The wall display says each call aloud: "Mời số 12 đến quầy 3" (issue 13).

The speech is made on the server by espeak-ng (Debian's `espeak-ng`, voice `vi`), once per text:
the WAV is cached under the ANNOUNCE_CACHE_DIR setting (default var/announcements) by a hash
of the voice (ANNOUNCE_VOICE, default `vi`) and the text. A text holds only a ticket number
and a counter number, never a name; both are bounded (a display cannot fill the disk).
"""

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.core.errors import DomainError, ErrorCode

MAX_NUMBER = 9999
ESPEAK = "espeak-ng"


class SpeechUnavailable(DomainError):
    code = ErrorCode.SPEECH_UNAVAILABLE
    status = 503
    default_message = _("Speech is not available on this server.")


def call_text(*, number: int, counter: int) -> str:
    """What the display says for a call: in Vietnamese, the language of the centre."""
    return f"Mời số {number} đến quầy {counter}"


def speech_wav(text: str) -> Path:
    """The WAV file of the text, made by espeak-ng on first use, then from the cache."""
    voice = getattr(settings, "ANNOUNCE_VOICE", os.environ.get("ANNOUNCE_VOICE", "vi"))
    key = hashlib.sha256(f"{voice}\n{text}".encode()).hexdigest()[:32]
    default = os.environ.get("ANNOUNCE_CACHE_DIR") or settings.VAR_DIR / "announcements"
    folder = Path(getattr(settings, "ANNOUNCE_CACHE_DIR", default))
    path = folder / f"{key}.wav"
    if path.exists() and path.stat().st_size > 0:
        return path
    program = shutil.which(ESPEAK)
    if program is None:
        raise SpeechUnavailable()
    folder.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(handle)
    try:
        subprocess.run(  # noqa: S603 - a fixed program, the text as one argument, no shell
            [program, "-v", voice, "-s", "140", "-w", partial, text],
            check=True,
            capture_output=True,
            timeout=20,
        )
        if Path(partial).stat().st_size == 0:
            raise SpeechUnavailable()
        os.replace(partial, path)  # atomic: a concurrent request never reads half a file
    except (OSError, subprocess.SubprocessError) as error:
        raise SpeechUnavailable() from error
    finally:
        Path(partial).unlink(missing_ok=True)
    return path
