"""Numbers and durations as words the TTS reads naturally, using the units in ``system.yaml`` and
the language's way of putting them together (``durations:`` in its pack)."""

from __future__ import annotations

import math

from prompts import SystemPrompts
from voice.language import default_language


def spoken_duration(seconds: float, system: SystemPrompts) -> str:
    """"3 minutes and 20 seconds" ("3분 20초"), rounded up so "time left" never promises less than there is."""
    durations = system.durations or default_language().durations
    total = max(0, math.ceil(seconds - 1e-6))
    minutes, secs = divmod(total, 60)
    parts = []
    if minutes:
        unit = system.get("unit_minute" if minutes == 1 else "unit_minutes")
        parts.append(durations.part.format(count=minutes, unit=unit))
    if secs or not minutes:
        unit = system.get("unit_second" if secs == 1 else "unit_seconds")
        parts.append(durations.part.format(count=secs, unit=unit))
    return durations.join.format(**{"and": system.get("unit_and")}).join(parts)
