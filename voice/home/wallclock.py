"""The wall clock of a session: driver seconds mapped to real moments.

Every driver runs on its own clock (monotonic seconds live, the sample clock in render mode); the
journal, the couple's calendar ("today", quiet hours, invitations) need real moments. One
``WallClock`` per run fixes the mapping once, so render mode can start it at any moment
(``--start-at``) and a day boundary or an invitation at ten is reproducible offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from voice.errors import OptionError

START_AT_FORMAT = "YYYY-MM-DD HH:MM:SS"


@dataclass(frozen=True)
class WallClock:
    """Driver time ``clock_origin`` is the moment ``wall_origin``; time advances with the driver's."""

    clock_origin: float
    wall_origin: datetime
    """Time-zone aware."""

    def at(self, t: float) -> datetime:
        """The moment of driver time ``t``."""
        return self.wall_origin + timedelta(seconds=t - self.clock_origin)


def real_wall_clock(clock_origin: float) -> WallClock:
    """Driver time ``clock_origin`` is now."""
    return WallClock(clock_origin, datetime.now(timezone.utc))


def parse_start_at(text: str) -> datetime:
    """``--start-at``: a local time (or one with its UTC offset), time-zone aware; one line if not one."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise OptionError(f"--start-at '{text}' is not a time: give it as \"{START_AT_FORMAT}\", "
                          "e.g. --start-at \"2026-12-01 21:59:50\".") from None
    return moment.astimezone() if moment.tzinfo is None else moment  # naive: the machine's own zone
