"""The skill between rituals: idle listening, starting rituals, help and lists; pure like the engine.

It wraps one ``RitualEngine`` at a time. What it needs from the journal comes through injected
ports: who went first last time and which questions were asked before through a ``SessionPlanner``,
the answers to questions about the journal ("what's our streak") through a ``History``. So tests
plan and answer with plain functions, and the device does both from SQLite (wired in
``App.runner``); the skill itself reads no clock and no file.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from voice.library.rituals import RitualLibrary
from voice.core.commands import COMMANDS
from voice.core.engine import EngineSettings, RitualEngine
from voice.core.events import Action, BeginSession, Event, Heard, Say, SessionStatus
from voice.core.matcher import Match
from voice.core.listening import Listening
from voice.core.outputs import Outputs


@dataclass(frozen=True)
class SessionPlan:
    """What a new session of a ritual needs to know about earlier ones."""

    first: int
    """Index (0/1) of the partner who goes first this time (alternates by session)."""
    asked: Mapping[str, set[str]]
    """Deck name -> questions already asked in earlier sessions."""


SessionPlanner = Callable[[str], SessionPlan]


class History(Protocol):
    """The port to the couple's journal for questions about it (``voice.review.answers``)."""

    def __call__(self, match: Match) -> str | None:
        """The spoken answer to ``match`` (``ask_count``, ``ask_streak``...), or ``None``."""
        ...


def first_session_plan(ritual_id: str) -> SessionPlan:
    """The plan for a couple with no journal: partner one starts, nothing asked yet."""
    return SessionPlan(0, {})


class Skill:
    """Idle loop + the current ritual; ``handle(event)`` -> actions."""

    def __init__(self, library: RitualLibrary, names: tuple[str, str],
                 planner: SessionPlanner = first_session_plan, rng: random.Random | None = None,
                 settings: EngineSettings | None = None,
                 history: History | None = None) -> None:
        """``history``: answers questions about the journal, if there is one."""
        self.library = library
        self.names = names
        self.planner = planner
        self.rng = rng or random.Random()
        self.settings = settings or EngineSettings()
        self.history_port = history
        self.engine: RitualEngine | None = None
        self._reprompted = False
        self.outputs = Outputs()
        self.listening = Listening()
        """The listening context: the one place it is held (the engines share it, the runner reads it)."""

    @property
    def ritual_running(self) -> bool:
        """A ritual session is under way."""
        return self.engine is not None and not self.engine.ended

    @property
    def busy(self) -> bool:
        """The driver must keep going: a ritual is running (a subclass may have more to wait for)."""
        return self.ritual_running

    def next_deadline(self) -> float | None:
        return self.engine.next_deadline() if self.ritual_running and self.engine else None

    def begin(self) -> list[Action]:
        """Actions when the device becomes ready to listen."""
        out: list[Action] = []
        self.listening.announce(out, "idle")
        return out

    def start_ritual(self, ritual_id: str, now: float) -> list[Action]:
        """Start ``ritual_id`` (by voice or ``rituals run``)."""
        plan = self.planner(ritual_id)
        ritual = self.library.get(ritual_id)
        self.engine = RitualEngine(ritual, self.library.system, self.names, plan.first, plan.asked,
                                   self.rng, self.settings, self.outputs, self.listening)
        out: list[Action] = [BeginSession(now, ritual_id, plan.first)]
        out += self.engine.start(now)
        return out

    def abort(self, now: float, status: SessionStatus) -> list[Action]:
        """Close the running session as ``status`` (the driver is stopping); nothing if none runs."""
        return self.engine.abort(now, status) if self.ritual_running and self.engine is not None else []

    def handle(self, event: Event) -> list[Action]:
        if self.ritual_running and self.engine is not None:
            out = self.engine.handle(event)
            if not self.ritual_running:
                self.listening.announce(out, "idle")
            return out
        if isinstance(event, Heard):
            return self._idle_heard(event)
        return []

    # ---- what commands do between rituals (voice.commands.Idle) ---------------------------------

    def reply(self, text: str) -> list[Action]:
        out: list[Action] = []
        self.outputs.give(out, Say(text, "reply"))
        return out

    def line(self, key: str, **values: object) -> str:
        return self.library.system.get(key, **values)

    def ritual_names(self) -> list[str]:
        return [r.name for r in self.library.rituals.values()]

    def history(self, match: Match) -> str | None:
        return self.history_port(match) if self.history_port is not None else None

    def _idle_heard(self, event: Heard) -> list[Action]:
        match = event.match
        if match is None:
            # One reprompt, then quiet: in a living room most speech is not for the device. Speech the
            # recogniser itself rejected (no words) was not for the device at all: no reprompt.
            if self._reprompted or not event.text.strip():
                return []
            self._reprompted = True
            return self.reply(self.line("not_understood_idle"))
        self._reprompted = False
        command = COMMANDS.get(match.intent)
        if command is None or command.between is None:
            return []  # a stray yes/no between rituals needs no answer
        return command.between(self, match, event.now)
