"""What a session's journal events are: one frozen dataclass per kind, and the one way in and out.

Every event is written through ``encode`` (event -> its kind and its JSON object) and read back
through ``decode`` (kind, JSON object, version -> event); nothing else knows how an event looks in
the journal, in an export or in ``rituals listen --json``. A row that is not one of these kinds, or
whose fields are not that kind's, raises ``EventError`` instead of being half read.

Versions: all kinds share one version, ``EVENT_VERSION``, stored beside each row. Version 1 is the
shape every journal so far holds, including the rows written before a turn said whether anyone
spoke (no ``spoke``) and before a timer said what ended it (no ``ended_by``): those fields are
optional and left out of the row when absent, so an old row reads, and writes back, as it was. When
a kind changes shape, raise the version and teach ``decode`` to bring the older rows forward.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

from voice.errors import EventError

EVENT_VERSION = 1
"""The version of the events this program writes (and the newest it reads)."""


_ABSENT = "absent_when_none"


def _absent() -> Any:
    """A field old rows may lack: ``None`` when they do, and left out of the row when ``None``."""
    return dataclasses.field(default=None, metadata={_ABSENT: True})


@dataclass(frozen=True)
class JournalEvent:
    """What happened at one moment of a session; subclasses are the kinds."""

    KIND: ClassVar[str] = ""
    """The kind's name in the journal (the ``kind`` column) and in exports."""


@dataclass(frozen=True)
class SessionStart(JournalEvent):
    KIND: ClassVar[str] = "session_start"
    ritual: str
    """The ritual's id."""
    first: int
    """Index (0/1) of the partner who goes first."""


@dataclass(frozen=True)
class StepStart(JournalEvent):
    KIND: ClassVar[str] = "step"
    index: int
    """0-based index of the step in its ritual."""
    type: str
    """``say``, ``turn``, ``timer``, ``chime`` or ``ask``."""


@dataclass(frozen=True)
class Question(JournalEvent):
    KIND: ClassVar[str] = "question"
    deck: str
    """The deck the question was drawn from."""
    question: str
    """The question as asked."""


@dataclass(frozen=True)
class TimerStart(JournalEvent):
    KIND: ClassVar[str] = "timer_start"
    seconds: float
    """How long the timer was set for."""


@dataclass(frozen=True)
class TimerEnd(JournalEvent):
    KIND: ClassVar[str] = "timer_end"
    seconds: float
    """How long it really ran, pauses left out."""
    ended_by: str | None = _absent()
    """``time``, or what cut it short (``stop``, ``skip``, ``interrupted``); ``None`` in rows
    written before this was journaled."""


@dataclass(frozen=True)
class TurnStart(JournalEvent):
    KIND: ClassVar[str] = "turn_start"
    who: str
    """``first`` or ``second`` speaker of the session."""
    partner: int
    """Index (0/1) of that partner."""


@dataclass(frozen=True)
class TurnEnd(JournalEvent):
    KIND: ClassVar[str] = "turn_end"
    who: str
    """``first`` or ``second`` speaker of the session."""
    partner: int
    """Index (0/1) of that partner."""
    seconds: float
    """How long the turn ran, pauses left out."""
    ended_by: str
    """``done``, ``time``, ``silence``, ``skip``, or what cut it short (``stop``, ``interrupted``)."""
    spoke: bool | None = _absent()
    """Whether anyone spoke in it; ``None`` in rows written before silence was journaled."""


@dataclass(frozen=True)
class AskStart(JournalEvent):
    KIND: ClassVar[str] = "ask_start"
    index: int
    """0-based index of the ask step in its ritual."""


@dataclass(frozen=True)
class Answer(JournalEvent):
    KIND: ClassVar[str] = "answer"
    yes: bool
    """The couple's answer to the ask step."""


@dataclass(frozen=True)
class Reprompt(JournalEvent):
    KIND: ClassVar[str] = "reprompt"
    reason: str
    """``silence`` or ``not understood``."""


@dataclass(frozen=True)
class Pause(JournalEvent):
    KIND: ClassVar[str] = "pause"
    remaining: float | None
    """Seconds left on the paused timer or turn; ``None`` when nothing was timed."""


@dataclass(frozen=True)
class Resume(JournalEvent):
    KIND: ClassVar[str] = "resume"
    remaining: float | None
    """Seconds left on the timer or turn that goes on; ``None`` when nothing was timed."""


@dataclass(frozen=True)
class Skip(JournalEvent):
    KIND: ClassVar[str] = "skip"
    index: int
    """0-based index of the step skipped."""


@dataclass(frozen=True)
class SpeechHeard(JournalEvent):
    KIND: ClassVar[str] = "heard"
    intent: str | None
    """The command understood; ``None``: talk that was not a command."""
    context: str
    """What could be heard then: ``idle`` (every phrase) or ``turn`` (whole commands only)."""
    score: float | None
    """How well it matched; ``None`` when nothing did."""
    text: str | None = _absent()
    """What was said; kept only when the config allows spoken content."""


@dataclass(frozen=True)
class SessionEnd(JournalEvent):
    KIND: ClassVar[str] = "session_end"
    status: str
    """``completed``, ``stopped`` or ``interrupted``."""


KINDS: dict[str, type[JournalEvent]] = {cls.KIND: cls for cls in (
    SessionStart, StepStart, Question, TimerStart, TimerEnd, TurnStart, TurnEnd, AskStart, Answer, Reprompt,
    Pause, Resume, Skip, SpeechHeard, SessionEnd)}

_JSON: dict[object, tuple[tuple[type, ...], str]] = {
    int: ((int,), "a whole number"), float: ((int, float), "a number"), str: ((str,), "text"),
    bool: ((bool,), "true or false"), type(None): ((type(None),), "null")}
"""The JSON values a field of each type may hold, and their name (a whole number is a fine ``float``:
6 seconds), for the field types events use."""


@dataclass(frozen=True)
class _Field:
    """One field of a kind, as a row must hold it."""

    name: str
    accepted: tuple[type, ...]
    """The Python types of the JSON values it may hold."""
    described: str
    """Those values in words, for the error: ``a number or null``."""
    required: bool
    """Whether every row has it (the fields from ``_absent`` are not)."""
    absent_when_none: bool


@cache
def _fields(cls: type[JournalEvent]) -> tuple[_Field, ...]:
    """Each field of ``cls``, with the JSON values it may hold."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        options = [_JSON[t] for t in (typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,))]
        out.append(_Field(f.name, tuple(t for accepted, _ in options for t in accepted),
                          " or ".join(described for _, described in options),
                          f.default is dataclasses.MISSING, bool(f.metadata.get(_ABSENT))))
    return tuple(out)


def _fits(value: object, accepted: tuple[type, ...]) -> bool:
    # bool is an int in Python, but true is no number of seconds in a journal
    return isinstance(value, accepted) and (bool in accepted or not isinstance(value, bool))


def encode(event: JournalEvent) -> tuple[str, dict[str, Any]]:
    """The kind of ``event`` and its JSON object, as the journal and exports hold them.

    A field of the wrong type raises ``TypeError`` here, a bug in the caller: written, it would be
    a row that ``decode`` calls damaged.
    """
    data = {}
    for f in _fields(type(event)):
        value = getattr(event, f.name)
        if not _fits(value, f.accepted):
            raise TypeError(f"{type(event).__name__}.{f.name} is {value!r}, which is not {f.described}")
        if value is not None or not f.absent_when_none:
            data[f.name] = value
    return event.KIND, data


def decode(kind: str, data: object, version: int = EVENT_VERSION) -> JournalEvent:
    """The event a row (``kind``, its JSON object, the version it was written in) holds.

    Raises ``EventError`` for a kind this program does not know, fields that are not that kind's,
    or a version newer than ``EVENT_VERSION``.
    """
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise EventError(kind, f"{version!r} is not an event version")
    if version > EVENT_VERSION:
        raise EventError(kind, f"it was written by a newer spoken-rituals (event version {version})", newer=True)
    cls = KINDS.get(kind)
    if cls is None:
        raise EventError(kind, f"no event is of kind {kind!r}")
    if not isinstance(data, dict):
        raise EventError(kind, "its details are not a JSON object")
    unknown = sorted(set(data) - {f.name for f in _fields(cls)})
    if unknown:
        raise EventError(kind, f"{unknown[0]!r} is not a detail of a {kind} event")
    values = {}
    for f in _fields(cls):
        if f.name not in data:
            if f.required:
                raise EventError(kind, f"it lacks {f.name!r}")
            continue
        if not _fits(data[f.name], f.accepted):
            raise EventError(kind, f"{f.name!r} is {data[f.name]!r}, which is not {f.described}")
        values[f.name] = data[f.name]
    return cls(**values)
