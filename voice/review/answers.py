"""Spoken answers about the journal ("how many check-ins did we do this week"), one short sentence.

Counts use the same rolling windows as ``rituals stats`` ("this week" is the last seven days), so the
device and the stats never contradict each other; only sessions that count are counted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from voice.library.rituals import RitualLibrary
from voice.journal.store import Journal
from voice.core.matcher import Match
from voice.review.counting import counted_sessions
from voice.review.stats import RitualStats, days_ago, local_day, ritual_stats, within
from voice.review.streaks import streak
from voice.core.speech_text import Unit, spoken_unit

INTENTS = frozenset({"ask_count", "ask_last", "ask_streak", "apart_today"})
WINDOW_DAYS = {"today": 1, "week": 7, "month": 30}
#: The spoken line for each period slot, spelled out so the load-time check of system.yaml sees it.
PERIOD_KEYS = {"today": "period_today", "week": "period_week", "month": "period_month"}


class JournalAnswers:
    """Answers the review intents from the journal; marks days apart."""

    def __init__(self, journal: Journal, library: RitualLibrary, clock: Callable[[], datetime]) -> None:
        """``clock``: the wall clock (an aware ``datetime``), asked at each question (the device runs past
        midnight); injected, so the answers read no clock of their own."""
        self.journal = journal
        self.library = library
        self.clock = clock

    def __call__(self, match: Match) -> str | None:
        if match.intent not in INTENTS:
            return None
        system = self.library.system
        now = self.clock()
        today = local_day(now)
        if match.intent == "apart_today":
            self.journal.mark_away([today.isoformat()], now)
            return system.get("apart_noted")
        ritual = self.library.rituals.get(match.slots.get("ritual", ""))
        if match.intent == "ask_streak":
            return self._streak(today, ritual.id if ritual else None)
        assert ritual is not None
        done = [local_day(s.started_at) for s in counted_sessions(self.journal, ritual.id)]
        if match.intent == "ask_count":
            period = match.slots.get("period", "week")
            count = sum(1 for day in done if within(day, today, WINDOW_DAYS[period]))
            return system.get("answer_count_one" if count == 1 else "answer_count", count=count, ritual=ritual.name,
                              period=system.get(PERIOD_KEYS[period]))
        if not done:
            return system.get("answer_never", ritual=ritual.name)
        return system.get("answer_last", ritual=ritual.name, when=days_ago(system, (today - max(done)).days))

    def _streak(self, today: date, ritual_id: str | None) -> str:
        """One ritual's streak when one is named; else the couple's (days in a row with any ritual),
        then their best ritual's."""
        system = self.library.system
        stats = [s for s in ritual_stats(self.journal, self.library, today) if ritual_id in (None, s.ritual)]
        best = max(stats, key=_streak_days, default=None)
        if best is None or best.streak.current == 0:
            return system.get("answer_streak_none")
        best_unit = self._unit(best.streak.unit, best.streak.current)
        together = 0
        if ritual_id is None:
            days = {local_day(s.started_at) for s in counted_sessions(self.journal)}
            away = {date.fromisoformat(d) for d in self.journal.away_days()}
            together = streak(days, away, today, "daily").current
        if together == 0:  # one ritual asked about, or only a weekly ritual's streak is alive
            return system.get("answer_streak", ritual=best.name, count=best.streak.current, unit=best_unit)
        return system.get("answer_streak_together", count=together, unit=self._unit("day", together),
                          ritual=best.name, best_count=best.streak.current, best_unit=best_unit)

    def _unit(self, unit: Unit, count: int) -> str:
        return spoken_unit(self.library.system, unit, count)


def _streak_days(stats: RitualStats) -> int:
    """A streak's length in days, so two weeks of a weekly ritual outrank three days of a daily one."""
    return stats.streak.current * (7 if stats.streak.unit == "week" else 1)
