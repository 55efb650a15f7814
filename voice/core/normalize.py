"""Text normalisation shared by the intent matcher and ritual-name look-up.

Recognisers and typists spell the same command many ways ("Let's", "lets", "6-second", "six second").
Everything that is compared is first reduced to lower-case words without punctuation, apostrophes
removed and numbers spelled out in the language's words (its pack's ``numbers:``), so one canonical
form is matched.
"""

from __future__ import annotations

import re

from voice.library.language import default_language
from voice.core.numbers import NumberWords

_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc`´']")
_SEPARATORS = re.compile(r"[-\u2010-\u2015_/]+")
_NOT_WORD = re.compile(r"[^\w\s]+")
_NUMBER = re.compile(r"\d+")


def normalize(text: str, numbers: NumberWords | None = None) -> str:
    """Reduce ``text`` to lower-case words: no apostrophes or punctuation, digits spelled out in
    ``numbers`` (default: the default language's, for the English-only engines and tools)."""
    numbers = numbers or default_language().numbers
    text = text.lower()
    text = _APOSTROPHES.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    if numbers.ordinal_pattern is not None:
        text = numbers.ordinal_pattern.sub(lambda m: " " + numbers.ordinal(int(m.group(1))) + " ", text)
    text = _NUMBER.sub(lambda m: " " + numbers.spell(int(m.group(0))) + " ", text)
    text = _NOT_WORD.sub(" ", text)
    return " ".join(text.split())
