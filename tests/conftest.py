"""Shared fixtures: the shipped data (loaded once), a virtual room and a scripted couple."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest

from voice.library.intents import Catalogue, load_catalogue
from voice.library.rituals import RitualLibrary, load_library
from voice.core.events import Action, Log
from voice.core.journal_events import AskStart, JournalEvent, TurnStart
from voice.journal.store import Journal
from voice.journal.planner import JournalPlanner
from voice.journal.recorder import JournalRecorder
from voice.core.devices import InputItem, Utterance, VoiceActivity
from voice.device.runner import Runner
from voice.core.skill import Skill
from voice.device.virtual import VirtualClock, VirtualRoom

NAMES = ("Alex", "Sam")


@pytest.fixture(scope="session")
def library() -> RitualLibrary:
    return load_library()


@pytest.fixture(scope="session")
def catalogue(library: RitualLibrary) -> Catalogue:
    return load_catalogue(library.spoken_names())


@pytest.fixture()
def journal(tmp_path: Path) -> Iterable[Journal]:
    j = Journal.open(tmp_path / "journal.sqlite3")
    yield j
    j.close()


@dataclass
class ScriptedCouple:
    """Reacts like a cooperative couple: talks for a while in each turn, then says a closing phrase."""

    talk: float = 2.0
    """Seconds of speech in each turn before "I'm done"."""
    done_phrase: str = "I'm done"
    answer: str = "yes"
    turns: int = 0
    reactions: list[tuple[float, str]] = field(default_factory=list)

    def __call__(self, action: Action, now: float) -> list[tuple[float, InputItem]]:
        if isinstance(action, Log) and isinstance(action.event, TurnStart):
            self.turns += 1
            return [(0.5, VoiceActivity()), (self.talk, Utterance("it was a good day really")),
                    (self.talk + 1.0, Utterance(self.done_phrase))]
        if isinstance(action, Log) and isinstance(action.event, AskStart):
            return [(1.0, Utterance(self.answer))]
        return []


@dataclass
class World:
    """A runner wired to a virtual room and a real (temporary) journal."""

    room: VirtualRoom
    runner: Runner
    journal: Journal
    clock: VirtualClock

    def logs(self, kind: type[JournalEvent] = JournalEvent) -> list[Log]:
        return [p.action for p in self.room.log if isinstance(p.action, Log) and isinstance(p.action.event, kind)]


@pytest.fixture()
def make_world(library: RitualLibrary, catalogue: Catalogue, journal: Journal):
    def make(script: Iterable[tuple[float, InputItem]] = (), respond=None, end_input: bool = True,
             seconds_per_char: float = 0.05, store_content: bool = False) -> World:
        clock = VirtualClock(1000.0)
        room = VirtualRoom(clock, list(script), respond, seconds_per_char=seconds_per_char, end_input=end_input)
        skill = Skill(library, NAMES, JournalPlanner(journal, library))
        recorder = JournalRecorder(journal, NAMES, store_content, clock.now(),
                                   datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc))
        return World(room, Runner(skill, catalogue, room, room, clock, recorder), journal, clock)
    return make
