"""Numbers as words, by the rules a language pack gives as data (``numbers:`` in ``intents/languages/*.yaml``).

The rules are few because the languages differ little in shape: a word for every value below the
smallest scale (or tens + ones), scales ("hundred", "thousand"; "백", "천", "만") with a count before
them, a string between the parts ("twenty one"; "이십일"), and optionally written ordinals ("21st").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Ordinals:
    """How a written ordinal ("2nd") is said: its number's words with the last word changed."""

    suffixes: tuple[str, ...]
    """What follows the digits in writing ("st", "nd", "rd", "th")."""
    irregular: dict[str, str]
    """Last word -> its ordinal ("one" -> "first")."""
    endings: dict[str, str]
    """A last word's ending -> the ordinal's ending ("y" -> "ieth": "twenty" -> "twentieth")."""
    suffix: str
    """Added to any other last word ("seven" -> "seventh")."""

    def of(self, words: str) -> str:
        *head, last = words.split()
        if last in self.irregular:
            last = self.irregular[last]
        else:
            ending = next((e for e in self.endings if last.endswith(e)), None)
            last = last[:-len(ending)] + self.endings[ending] if ending else last + self.suffix
        return " ".join([*head, last])


@dataclass(frozen=True)
class NumberWords:
    """Spells non-negative integers in one language's words."""

    words: dict[int, str]
    """Values said as one word: at least 0-9 and every tens below the smallest scale."""
    scales: tuple[tuple[int, str], ...]
    """(value, word), ascending: ``(100, "hundred")``."""
    join: str = " "
    """Between the parts of one number ("twenty" + " " + "one"; "이십" + "" + "일")."""
    one_before_scale: bool = True
    """Whether one of a scale says the one ("one hundred"; "백", not "일백")."""
    up_to: int = 999_999
    """Larger numbers are read digit by digit."""
    ordinals: Ordinals | None = None
    """Written ordinals, where the language has them."""

    def spell(self, value: int) -> str:
        """``value`` (0 or more) in words: 21 -> "twenty one"."""
        if value < 0:
            raise ValueError(f"cannot spell {value}: only non-negative numbers")
        if value > self.up_to:
            return " ".join(self.words[int(d)] for d in str(value))
        if value in self.words:
            return self.words[value]
        for scale, word in reversed(self.scales):
            if value >= scale:
                count, rest = divmod(value, scale)
                parts = [] if count == 1 and not self.one_before_scale else [self.spell(count)]
                parts.append(word)
                if rest:
                    parts.append(self.spell(rest))
                return self.join.join(parts)
        return self.join.join((self.words[value // 10 * 10], self.words[value % 10]))

    def missing(self) -> int | None:
        """The first value these rules cannot spell (a word the data lacks), or ``None``."""
        below = self.scales[0][0] if self.scales else self.up_to + 1
        for value in range(min(below, self.up_to + 1)):
            if value not in self.words and (value // 10 * 10 not in self.words or value % 10 not in self.words):
                return value
        return None

    @cached_property
    def ordinal_pattern(self) -> re.Pattern[str] | None:
        """Digits followed by an ordinal suffix ("21st"), when the language writes ordinals so."""
        if self.ordinals is None or not self.ordinals.suffixes:
            return None
        return re.compile(r"\b(\d+)(" + "|".join(map(re.escape, self.ordinals.suffixes)) + r")\b")

    def ordinal(self, value: int) -> str:
        assert self.ordinals is not None, "ordinal() is only called where ordinal_pattern matched"
        return self.ordinals.of(self.spell(value))
