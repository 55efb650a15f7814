"""Numbers and durations as words the TTS reads naturally, using the units in ``system.yaml``."""

from __future__ import annotations

import math

from prompts import SystemPrompts


def spoken_duration(seconds: float, system: SystemPrompts) -> str:
    """"3 minutes and 20 seconds", rounded up so "time left" never promises less than there is."""
    total = max(0, math.ceil(seconds - 1e-6))
    minutes, secs = divmod(total, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} {system.get('unit_minute' if minutes == 1 else 'unit_minutes')}")
    if secs or not minutes:
        parts.append(f"{secs} {system.get('unit_second' if secs == 1 else 'unit_seconds')}")
    return f" {system.get('unit_and')} ".join(parts)
