"""Text normalisation shared by the intent matcher and ritual-name look-up.

Recognisers and typists spell the same command many ways ("Let's", "lets", "6-second", "six second").
Everything that is compared is first reduced to lower-case words without punctuation, apostrophes
removed and numbers spelled out, so one canonical form is matched.
"""

from __future__ import annotations

import re

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc`´']")
_SEPARATORS = re.compile(r"[-\u2010-\u2015_/]+")
_NOT_WORD = re.compile(r"[^\w\s]+")
_NUMBER = re.compile(r"\d+")
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
_ORDINAL_WORDS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
                  "nine": "ninth", "twelve": "twelfth"}


def number_to_words(value: int) -> str:
    """Spell a non-negative integer in English words ("21" -> "twenty one")."""
    if value < 0:
        return "minus " + number_to_words(-value)
    if value < 20:
        return _ONES[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])
    if value < 1000:
        hundreds, rest = divmod(value, 100)
        return _ONES[hundreds] + " hundred" + ("" if rest == 0 else " " + number_to_words(rest))
    if value < 1_000_000:
        thousands, rest = divmod(value, 1000)
        return number_to_words(thousands) + " thousand" + ("" if rest == 0 else " " + number_to_words(rest))
    # Beyond a million nobody says it to a ritual device; keep the digits readable rather than guess.
    return " ".join(_ONES[int(d)] for d in str(value))


def _ordinal_words(value: int) -> str:
    words = number_to_words(value).split()
    last = words[-1]
    if last in _ORDINAL_WORDS:
        words[-1] = _ORDINAL_WORDS[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def normalize(text: str) -> str:
    """Reduce ``text`` to lower-case words: no apostrophes or punctuation, digits spelled out."""
    text = text.lower()
    text = _APOSTROPHES.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    text = _ORDINAL.sub(lambda m: " " + _ordinal_words(int(m.group(1))) + " ", text)
    text = _NUMBER.sub(lambda m: " " + number_to_words(int(m.group(0))) + " ", text)
    text = _NOT_WORD.sub(" ", text)
    return " ".join(text.split())
