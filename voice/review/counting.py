"""What counts as something the couple did: the one rule behind stats, streaks, answers and the report.

A session counts when it ran to its end (``completed``) and, if it had turns, someone spoke in at
least one of them. A check-in that played to its end in an empty room is kept in the journal, its
turns marked silent, but the couple did not do it, so it never adds to a count or a streak. A ritual
without turns (a kiss, quiet coffee) counts when completed: keeping the time together is the doing.
Stopped and interrupted sessions are kept and shown, never counted.

Turns journaled before silence was recorded (no ``spoke`` field) count as spoken: old entries are
not second-guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from voice.journal import Journal, SessionRow


def turn_spoke(data: Mapping[str, Any]) -> bool:
    """Whether anyone spoke in the turn a ``turn_end`` event describes."""
    return bool(data.get("spoke", True))


def silent_sessions(journal: Journal) -> set[int]:
    """Ids of sessions that had turns and nobody spoke in any of them."""
    spoken: dict[int, bool] = {}
    for event in journal.events(kind="turn_end"):
        spoken[event.session_id] = spoken.get(event.session_id, False) or turn_spoke(event.data)
    return {session_id for session_id, spoke in spoken.items() if not spoke}


def counted_sessions(journal: Journal, ritual_id: str | None = None) -> list[SessionRow]:
    """The sessions that count (see the module docstring), oldest first."""
    silent = silent_sessions(journal)
    return [s for s in journal.sessions(ritual_id) if s.status == "completed" and s.id not in silent]
