"""Per-ritual statistics from the journal, on the couple's local calendar."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from prompts import RitualLibrary
from voice.journal import Journal, SessionRow
from voice.review.streaks import Streak, streak


@dataclass(frozen=True)
class RitualStats:
    ritual: str
    name: str
    cadence: str
    this_week: int
    """Completed sessions since Monday."""
    this_month: int
    """Completed sessions since the 1st."""
    last_done: str | None
    """Local date of the last completed session."""
    streak: Streak
    average_minutes: float | None
    """Mean length of completed sessions."""
    completion_rate: float | None
    """Completed / all finished sessions (stopped and interrupted included)."""

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["streak"] = asdict(self.streak)
        return data


def local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def ritual_stats(journal: Journal, library: RitualLibrary, today: date | None = None) -> list[RitualStats]:
    today = today or datetime.now().astimezone().date()
    away = {date.fromisoformat(d) for d in journal.away_days()}
    by_ritual: dict[str, list[SessionRow]] = {}
    for session in journal.sessions():
        by_ritual.setdefault(session.ritual_id, []).append(session)
    monday = today - timedelta(days=today.weekday())
    out = []
    for ritual in library.rituals.values():
        sessions = by_ritual.get(ritual.id, [])
        done = [s for s in sessions if s.status == "completed"]
        finished = [s for s in sessions if s.status != "open"]
        done_days = {local_day(s.started_at) for s in done}
        durations = [s.duration for s in done if s.duration is not None]
        out.append(RitualStats(
            ritual.id, ritual.name, ritual.cadence,
            sum(1 for d in done if local_day(d.started_at) >= monday),
            sum(1 for d in done if local_day(d.started_at) >= today.replace(day=1)),
            max(done_days).isoformat() if done_days else None,
            streak(done_days, away, today, ritual.cadence),
            round(sum(durations) / len(durations) / 60, 1) if durations else None,
            round(len(done) / len(finished), 3) if finished else None,
        ))
    return out
