"""What counts as something the couple did: the one rule behind stats, streaks, answers and the report.

A session counts when it ran to its end (``completed``) and, if it had turns, someone spoke in at
least one of them. A check-in that played to its end in an empty room is kept in the journal, its
turns marked silent, but the couple did not do it, so it never adds to a count or a streak. A ritual
without turns (a kiss, quiet coffee) counts when completed: keeping the time together is the doing.
Stopped and interrupted sessions are kept and shown, never counted.

Turns journaled before silence was recorded (``spoke`` is ``None``) count as spoken: old entries
are not second-guessed.
"""

from __future__ import annotations

from datetime import datetime

from voice.journal.store import Journal, SessionRow
from voice.core.journal_events import TurnEnd


def turn_spoke(turn: TurnEnd) -> bool:
    """Whether anyone spoke in the turn."""
    return turn.spoke is not False


def silent_sessions(journal: Journal, among: list[SessionRow] | None = None) -> set[int]:
    """Ids of sessions that had turns and nobody spoke in any of them (of ``among``, when given:
    only their turns are read, not the whole journal's)."""
    turns = (journal.events(kind=TurnEnd) if among is None else
             [row for s in among for row in journal.events(s.id, kind=TurnEnd)])
    spoken: dict[int, bool] = {}
    for row in turns:
        spoken[row.session_id] = spoken.get(row.session_id, False) or turn_spoke(row.event)
    return {session_id for session_id, spoke in spoken.items() if not spoke}


def counted_sessions(journal: Journal, ritual_id: str | None = None,
                     since: datetime | None = None) -> list[SessionRow]:
    """The sessions that count (see the module docstring), oldest first; ``since``: those started then
    or later, reading only their events (the inviting skill asks about the last two days every minute)."""
    completed = [s for s in journal.sessions(ritual_id, since) if s.status == "completed"]
    silent = silent_sessions(journal, completed if since is not None else None)
    return [s for s in completed if s.id not in silent]
