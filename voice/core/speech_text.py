"""Numbers and durations as words the TTS reads naturally, using the units in ``system.yaml`` and
the language's way of putting them together (``durations:`` in its pack)."""

from __future__ import annotations

import math

from typing import Literal

from voice.library.rituals import SystemPrompts
from voice.library.language import default_language

Unit = Literal["second", "minute", "day", "week"]
#: (singular, plural) line for each unit: spelled out, so the load-time check of system.yaml sees every key.
UNIT_KEYS: dict[Unit, tuple[str, str]] = {
    "second": ("unit_second", "unit_seconds"), "minute": ("unit_minute", "unit_minutes"),
    "day": ("unit_day", "unit_days"), "week": ("unit_week", "unit_weeks"),
}


def spoken_unit(system: SystemPrompts, unit: Unit, count: int) -> str:
    """The word for ``count`` of ``unit`` ("day" for 1, "days" otherwise)."""
    one, many = UNIT_KEYS[unit]
    return system.get(one if count == 1 else many)


def spoken_duration(seconds: float, system: SystemPrompts) -> str:
    """"3 minutes and 20 seconds" ("3분 20초"), rounded up so "time left" never promises less than there is."""
    durations = system.durations or default_language().durations
    total = max(0, math.ceil(seconds - 1e-6))
    minutes, secs = divmod(total, 60)
    parts = []
    if minutes:
        parts.append(durations.part.format(count=minutes, unit=spoken_unit(system, "minute", minutes)))
    if secs or not minutes:
        parts.append(durations.part.format(count=secs, unit=spoken_unit(system, "second", secs)))
    return durations.join.format(**{"and": system.get("unit_and")}).join(parts)
