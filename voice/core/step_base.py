"""What a step type is: one unit that parses its YAML, validates it, and runs in the ritual engine.

A step type is a frozen dataclass subclassing ``StepType``: ``KEYS`` are the YAML keys it is written
with, ``parse`` builds it (refusing at load whatever it would not act on), and ``enter`` runs it
through the engine's ``Host``. A step that goes on after its output (a timer, a turn, a question)
opens a ``Running``: its own state and deadlines, so no state is shared between step types.
The registry of step types is ``voice.core.steps``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol

from voice.library.intents import Context
from voice.errors import DataFileError
from voice.core.events import Action
from voice.library.fields import FieldReader, check_placeholders, fill_round

Who = Literal["first", "second"]
SayKind = Literal["prompt", "reply", "cue"]
#: What every step text is given: the partners' names in this session's order.
NAMES = frozenset({"first", "second"})


class Host(Protocol):
    """The ritual engine as a step sees it: what a step may do to its session."""

    @property
    def ask_seconds(self) -> float:
        """How long a yes/no question waits for an answer."""
        ...

    @property
    def index(self) -> int:
        """Which step of the ritual runs (from 0)."""
        ...

    @property
    def output_pending(self) -> bool:
        """Something the device said or played has not finished yet."""
        ...

    def say(self, out: list[Action], text: str, kind: SayKind = "prompt") -> None: ...
    def chime(self, out: list[Action], name: str) -> None: ...
    def listen(self, out: list[Action], context: Context) -> None: ...
    def line(self, key: str, **values: object) -> str:
        """A line of ``system.yaml``."""
        ...

    def fill(self, text: str, who: Who | None = None) -> str:
        """``text`` with the session's names (and the drawn question) filled in."""
        ...

    def partner(self, who: Who) -> int:
        """Index (0/1) of the partner who is ``who`` this session."""
        ...

    def draw(self, deck: str, now: float, out: list[Action]) -> str:
        """This step's question from ``deck``, drawn once."""
        ...

    def then(self, now: float, out: list[Action], running: Running | None) -> None:
        """Open ``running`` once the output just given has been heard (``None``: go to the next step)."""
        ...

    def open(self, now: float, out: list[Action], running: Running) -> None:
        """Open ``running`` now."""
        ...

    def next(self, at: float, out: list[Action]) -> None:
        """This step is over: go on to the next one."""
        ...


class Running:
    """A step that is under way after its output; the defaults are "nothing to do"."""

    listening: ClassVar[Context] = "turn"
    """Which phrases may be heard while it runs."""
    help_key: ClassVar[str] = "help_ritual"
    """The ``system.yaml`` line that "help" gets while it runs."""
    counts_down: ClassVar[bool] = False
    """It shows a countdown (a timer), which skipping it clears."""
    silent: bool = False
    """Its countdown is shown without spoken cues."""

    def open(self, host: Host, now: float, out: list[Action]) -> None:
        """It starts at ``now``."""

    def next_deadline(self) -> float | None:
        return None

    def time_left(self, now: float) -> float | None:
        return None

    def due(self, host: Host, at: float, out: list[Action]) -> None:
        """Its deadline ``at`` has come."""

    def output_done(self, host: Host, now: float) -> None:
        """What the device said while it runs has been heard."""

    def device_spoke(self) -> None:
        """The device is talking: the room is not silent meanwhile."""

    def speech(self, host: Host, now: float) -> None:
        """Someone is talking (voice activity, or words that are no command)."""

    def unmatched(self, host: Host, now: float, out: list[Action]) -> None:
        """Words were heard that are no command."""
        self.speech(host, now)

    def command(self, host: Host, intent: str, now: float, out: list[Action]) -> bool:
        """``done`` / ``yes`` / ``no`` and the like, for the step to take; ``False``: not its command."""
        return False

    def pause(self) -> None:
        """The couple said pause: no deadline but the pause's own runs meanwhile."""

    def resume(self, now: float, remaining: float | None, paused_for: float) -> None:
        """Going on after a pause of ``paused_for`` seconds, with ``remaining`` seconds left."""

    def close(self, at: float, until: float, ended_by: str, out: list[Action]) -> None:
        """It is cut short at ``at`` (stop, skip, a pause left too long), having run up to ``until``:
        journal it truthfully."""


class Timed(Running):
    """A running step with a deadline, whose length leaves out the time spent paused."""

    def __init__(self) -> None:
        self.started = 0.0
        self.deadline = 0.0
        self.paused_total = 0.0
        """Seconds spent paused (not counted in its length)."""

    def ran(self, at: float) -> float:
        """How long it has run at ``at``, pauses left out."""
        return round(at - self.started - self.paused_total, 3)

    def time_left(self, now: float) -> float | None:
        return max(0.0, self.deadline - now)

    def resume(self, now: float, remaining: float | None, paused_for: float) -> None:
        self.paused_total += paused_for
        if remaining is not None:
            self.deadline = now + remaining


@dataclass(frozen=True)
class StepSource:
    """Where one step was written, for its parser: the file, the line, the field path, and the round
    of the repeat block it is in (if any)."""

    path: str
    line: int
    where: str
    round_no: int | None = None

    def reader(self, key: str, body: Any, names: frozenset[str]) -> FieldReader:
        """A reader for the step's mapping, whose texts may use ``names``."""
        return FieldReader(self.path, body, f"{self.where}.{key}", names, self.round_no)

    def text(self, key: str, body: Any, names: frozenset[str]) -> str:
        """A step written as one text (``say: "..."``)."""
        label = f"{self.where}.{key}"
        if not isinstance(body, str) or not body.strip():
            raise DataFileError(self.path, f"{label}: must be non-empty text", self.line)
        allowed = names | {"round"} if self.round_no is not None else names
        check_placeholders(self.path, self.line, label, body, allowed)
        return fill_round(body.strip(), self.round_no)


class StepType(ABC):
    """One kind of ritual step; see the module docstring. Subclasses are frozen dataclasses with a
    ``line`` field (the line in the ritual file, for messages)."""

    KEYS: ClassVar[tuple[str, ...]]
    """The YAML keys it is written with (``turn`` and ``question`` are one type)."""
    NAME: ClassVar[str]
    """Its name in the journal's ``step`` events."""
    line: int

    @classmethod
    @abstractmethod
    def parse(cls, key: str, body: Any, source: StepSource) -> StepType:
        """Build it from the YAML ``body`` under ``key``, refusing what it would not act on."""

    def check(self, decks: Mapping[str, tuple[str, ...]], path: str) -> None:
        """Checks against the rest of its ritual file (the decks it draws from), once it is read."""

    @abstractmethod
    def enter(self, host: Host, now: float, out: list[Action]) -> None:
        """Begin this step at ``now``."""
