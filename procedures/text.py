"""Text folding so that "khai sinh" finds "Đăng ký khai sinh" and "dat dai" finds "Đất đai"."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s.]", re.UNICODE)


def fold(text: str) -> str:
    """Lowercase, without diacritics (đ -> d), punctuation as spaces, single-spaced."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _NON_WORD.sub(" ", stripped.lower())
    return _SPACES.sub(" ", stripped).strip()
