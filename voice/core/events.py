"""Typed events (into the skill) and actions (out of it).

The ritual engine and the idle skill are pure: a driver turns the world (a microphone, a terminal, a
WAV file) into these events and carries out the actions (a speaker, a printout, a rendered WAV, the
journal). Times are seconds on the driver's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

from voice.library.intents import Context
from voice.core.journal_events import JournalEvent
from voice.core.matcher import Match

SessionStatus = Literal["completed", "stopped", "interrupted"]


# ---- events ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Heard:
    """An utterance ended and was understood as ``match`` (``None``: not a command)."""

    now: float
    match: Match | None
    text: str = ""
    """What was heard; stored in the journal only when the config allows spoken content."""


@dataclass(frozen=True)
class Activity:
    """Someone is speaking (voice activity), not yet a finished utterance: the room is not silent."""

    now: float


@dataclass(frozen=True)
class OutputDone:
    """Outputs (``Say`` and ``Chime`` actions) finished playing, or were cut off."""

    now: float
    outputs: int
    """How many outputs have finished in total since the driver started: a running count, so a
    late notice cannot be mistaken for the end of a line queued after it."""


@dataclass(frozen=True)
class Tick:
    """Time passed; sent at least at every ``next_deadline()``."""

    now: float


Event = Union[Heard, Activity, OutputDone, Tick]


# ---- actions --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Say:
    """Speak ``text``; the driver sends ``OutputDone`` when it (and all before it) has been heard."""

    text: str
    kind: Literal["prompt", "reply", "cue"] = "prompt"
    """``prompt``: a step of the ritual; ``reply``: an answer to a command; ``cue``: a timer cue."""


@dataclass(frozen=True)
class Chime:
    """Play a generated chime (``start``, ``end`` or ``soft``)."""

    name: str


@dataclass(frozen=True)
class StopOutput:
    """Cut off whatever is being said or played, now (stop, pause, skip)."""


@dataclass(frozen=True)
class Listen:
    """Which phrases may be heard from now on: the whole catalogue (``idle``) or whole commands only."""

    context: Context


@dataclass(frozen=True)
class TimerShown:
    """For displays: a timer now has ``remaining`` seconds and is running or paused (or gone: 0)."""

    remaining: float
    running: bool
    silent: bool = False


@dataclass(frozen=True)
class Log:
    """A journal event at engine time ``at``."""

    at: float
    event: JournalEvent
    """What happened: one of the kinds of ``voice.core.journal_events``."""


@dataclass(frozen=True)
class BeginSession:
    """A ritual session starts: the driver opens it in the journal."""

    at: float
    ritual_id: str
    first: int
    """Index (0/1) of the partner who goes first."""


@dataclass(frozen=True)
class EndSession:
    """The ritual session is over; the driver closes it in the journal once the last words are said."""

    at: float
    status: SessionStatus


Action = Union[Say, Chime, StopOutput, Listen, TimerShown, Log, BeginSession, EndSession]
