"""Carries the skill's journal actions into the journal, mapping driver time to wall-clock time."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from voice.core.events import Action, BeginSession, EndSession, Log
from voice.journal.store import Journal
from voice.core.journal_events import SessionEnd, SpeechHeard


class JournalRecorder:
    """Writes ``BeginSession`` / ``Log`` / ``EndSession`` actions; drops spoken text unless allowed."""

    def __init__(self, journal: Journal, names: tuple[str, str], store_content: bool,
                 clock_origin: float, wall_origin: datetime | None = None) -> None:
        self.journal = journal
        self.names = names
        self.store_content = store_content
        self._clock_origin = clock_origin
        self._wall_origin = wall_origin or datetime.now(timezone.utc)
        self.session_id: int | None = None
        self._session_start = 0.0

    def wall(self, at: float) -> datetime:
        """The wall-clock moment of driver time ``at``."""
        return self._wall_origin + timedelta(seconds=at - self._clock_origin)

    def record(self, action: Action) -> None:
        if isinstance(action, BeginSession):
            self.session_id = self.journal.begin(action.ritual_id, action.first, self.names[action.first],
                                                 self.wall(action.at))
            self._session_start = action.at
        elif isinstance(action, Log) and self.session_id is not None:
            event = action.event
            if isinstance(event, SpeechHeard) and not self.store_content:
                event = dataclasses.replace(event, text=None)
            self.journal.event(self.session_id, self.wall(action.at), action.at - self._session_start, event)
        elif isinstance(action, EndSession) and self.session_id is not None:
            # Closed here before the journal's end (which also backs up), so a failing backup never
            # has the session "interrupted" after it was saved as finished.
            session_id, self.session_id = self.session_id, None
            self.journal.end(session_id, action.status, self.wall(action.at))

    def interrupt(self, at: float, status: str = "interrupted") -> None:
        """The driver failed or was stopped mid-session: close the session with ``status``."""
        if self.session_id is not None:
            session_id, self.session_id = self.session_id, None
            self.journal.event(session_id, self.wall(at), at - self._session_start, SessionEnd(status))
            self.journal.end(session_id, status, self.wall(at))
