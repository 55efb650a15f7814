"""Spoken answers about the journal ("how many check-ins did we do this week"), one short sentence."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from prompts import RitualLibrary
from voice.journal import Journal
from voice.matcher import Match
from voice.review.stats import local_day, ritual_stats

INTENTS = frozenset({"ask_count", "ask_last", "ask_streak", "apart_today"})


class JournalAnswers:
    """Answers the review intents from the journal; marks days apart."""

    def __init__(self, journal: Journal, library: RitualLibrary, today: date | None = None) -> None:
        self.journal = journal
        self.library = library
        self._today = today

    def today(self) -> date:
        return self._today or datetime.now().astimezone().date()

    def __call__(self, match: Match) -> str | None:
        if match.intent not in INTENTS:
            return None
        system = self.library.system
        today = self.today()
        if match.intent == "apart_today":
            self.journal.mark_away([today.isoformat()], datetime.now(timezone.utc))
            return system.get("apart_noted")
        ritual = self.library.rituals.get(match.slots.get("ritual", ""))
        if match.intent == "ask_streak":
            stats = [s for s in ritual_stats(self.journal, self.library, today) if ritual is None or s.ritual == ritual.id]
            best = max(stats, key=lambda s: s.streak.current, default=None)
            if best is None or best.streak.current == 0:
                return system.get("answer_streak_none")
            unit = system.get(f"unit_{best.streak.unit}{'' if best.streak.current == 1 else 's'}")
            return system.get("answer_streak", ritual=best.name, count=best.streak.current, unit=unit)
        assert ritual is not None
        done = [s for s in self.journal.sessions(ritual.id) if s.status == "completed"]
        if match.intent == "ask_count":
            period = match.slots.get("period", "week")
            since = {"today": today, "week": today - timedelta(days=today.weekday()),
                     "month": today.replace(day=1)}[period]
            count = sum(1 for s in done if local_day(s.started_at) >= since)
            return system.get("answer_count", count=count, ritual=ritual.name, period=system.get(f"period_{period}"))
        if not done:
            return system.get("answer_never", ritual=ritual.name)
        days = (today - local_day(done[-1].started_at)).days
        when = (system.get("when_today") if days == 0 else system.get("when_yesterday") if days == 1
                else system.get("when_days_ago", count=days))
        return system.get("answer_last", ritual=ritual.name, when=when)
